/** @jest-environment node */
import { registerAction } from "@/app/register/actions";
import { browser, form, runAction } from "@/__tests__/kit/request-scope";
import { rowCounts, uniqueName } from "@/__tests__/kit/users";
import { db } from "@/lib/server/platform/db";
import { decryptSecret } from "@/lib/server/platform/encryption";
import { freshIp } from "@/__tests__/kit/names";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/request-scope").nextHeaders);

const register = (fields: Record<string, string | Blob>) => runAction(() => registerAction({}, form(fields)));

beforeEach(() => browser.reset(freshIp()));

describe("registerAction", () => {
  it("creates the account, and an enrolment holding an encrypted TOTP secret, and goes to /setup-2fa", async () => {
    const name = uniqueName("Ada");
    const { redirectedTo } = await register({
      username: ` ${name} `,
      email: ` ${name.toUpperCase()}@Example.TEST `,
      password: "a long enough passphrase",
    });
    expect(redirectedTo).toBe("/setup-2fa");
    const user = await db.user.findUniqueOrThrow({
      where: { username: name.toLowerCase() },
      include: { totpFactor: true },
    });
    expect(user.email).toBe(`${name.toLowerCase()}@example.test`);
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    expect(user.twoFactorMethod).toBeNull();
    // The secret belongs to this browser's enrolment, not to the account.
    expect(user.totpFactor).toBeNull();
    const challenge = await db.signInChallenge.findFirstOrThrow({ where: { userId: user.id } });
    expect(challenge.purpose).toBe("enrol");
    expect(decryptSecret(challenge.enrolSecret!)).toMatch(/^[A-Z2-7]{32}$/);
    expect(browser.cookieOptions.get("2fa-challenge")?.httpOnly).toBe(true);
  });

  it("refuses a username taken in another case, keeping the typed values", async () => {
    const name = uniqueName("bob");
    await register({ username: name, email: `${name}@example.test`, password: "a long enough passphrase" });
    const before = await rowCounts();
    const { result } = await register({
      username: name.toUpperCase(),
      email: `other-${name}@example.test`,
      password: "a long enough passphrase",
    });
    expect(result).toEqual({
      errors: { username: ["This username is taken. Choose another one."] },
      values: { username: name.toUpperCase(), email: `other-${name}@example.test` },
    });
    expect(await rowCounts()).toEqual(before);
  });

  it("refuses an email already in use", async () => {
    const name = uniqueName("cy");
    await register({ username: name, email: `${name}@example.test`, password: "a long enough passphrase" });
    const { result } = await register({
      username: `${name}2`,
      email: `${name.toUpperCase()}@example.test`,
      password: "a long enough passphrase",
    });
    expect(result?.errors?.email).toEqual(["This email cannot be used. If it is yours, sign in instead."]);
  });

  it("refuses common passwords and passwords containing the username", async () => {
    const name = uniqueName("dee");
    const common = await register({ username: name, email: `${name}@example.test`, password: "Password123" });
    expect(common.result?.errors?.password?.[0]).toMatch(/too common/);
    const containing = await register({
      username: name,
      email: `${name}@example.test`,
      password: `my ${name.toUpperCase()} secret`,
    });
    expect(containing.result?.errors?.password).toEqual(["Your password must not contain your username"]);
  });

  describe("refuses bad input with a message, writing nothing", () => {
    const cases: [string, Record<string, string | Blob>][] = [
      ["no fields", {}],
      [
        "files instead of text",
        { username: new Blob(["a"]), email: new Blob(["b"]), password: new Blob(["c"]) },
      ],
      [
        "10,000-character strings",
        { username: "a".repeat(10_000), email: "b".repeat(10_000), password: "c".repeat(10_000) },
      ],
      [
        "unicode username",
        { username: "ädä", email: "ada@example.test", password: "a long enough passphrase" },
      ],
      ["a short password", { username: "shorty", email: "shorty@example.test", password: "1234567" }],
      ["a bad email", { username: "emailless", email: "not-an-email", password: "a long enough passphrase" }],
    ];
    it.each(cases)("%s", async (_name, fields) => {
      const before = await rowCounts();
      const { result, redirectedTo } = await register(fields);
      expect(redirectedTo).toBeUndefined();
      expect(Object.keys(result?.errors ?? {}).length).toBeGreaterThan(0);
      expect(JSON.stringify(result)).not.toContain("passphrase");
      expect(await rowCounts()).toEqual(before);
    });
  });
});
