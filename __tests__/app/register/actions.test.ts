/** @jest-environment node */
import { registerAction } from "@/app/register/actions";
import { browser, form, runAction } from "@/__tests__/kit/request-scope";
import { rowCounts, uniqueName } from "@/__tests__/kit/users";
import { db } from "@/lib/server/platform/db";
import { decryptSecret } from "@/lib/server/platform/encryption";
import { freshIp } from "@/__tests__/kit/names";
import { createAccount, minutes, verificationCodeIn } from "@/__tests__/kit/account-codes";
import { watchOutbox } from "@/__tests__/kit/outbox";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/request-scope").nextHeaders);

const register = (fields: Record<string, string | Blob>) => runAction(() => registerAction({}, form(fields)));

beforeEach(() => browser.reset(freshIp()));

describe("registerAction", () => {
  it("creates the account unverified, with an enrolment holding an encrypted TOTP secret, emails a code and goes to /verify-email", async () => {
    const name = uniqueName("Ada");
    const sent = watchOutbox();
    const { redirectedTo } = await register({
      username: ` ${name} `,
      email: ` ${name.toUpperCase()}@Example.TEST `,
      password: "a long enough passphrase",
    });
    expect(redirectedTo).toBe("/verify-email");
    const user = await db.user.findUniqueOrThrow({
      where: { username: name.toLowerCase() },
      include: { totpFactor: true },
    });
    expect(user.email).toBe(`${name.toLowerCase()}@example.test`);
    expect(user.emailVerifiedAt).toBeNull();
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    expect(user.twoFactorMethod).toBeNull();
    // The secret belongs to this browser's enrolment, not to the account.
    expect(user.totpFactor).toBeNull();
    const challenge = await db.signInChallenge.findFirstOrThrow({ where: { userId: user.id } });
    expect(challenge.purpose).toBe("enrol");
    expect(decryptSecret(challenge.enrolSecret!)).toMatch(/^[A-Z2-7]{32}$/);
    expect(browser.cookieOptions.get("2fa-challenge")?.httpOnly).toBe(true);
    const [mail, ...more] = sent();
    expect(more).toEqual([]);
    expect(mail.to).toBe(user.email);
    expect(mail.subject).toBe("Confirm your email address");
    const code = verificationCodeIn(mail.text);
    expect(mail.text).toContain(`/verify-email?account=${user.id}&code=${code}`);
    expect(await db.accountCode.count({ where: { userId: user.id, purpose: "verify_email" } })).toBe(1);
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
    const after = await rowCounts();
    // The try is counted (the registration and code-send limits), nothing else.
    expect({ ...after, rateLimits: before.rateLimits }).toEqual(before);
  });

  it("answers an address that has an account with the same step, creating nothing and emailing its owner", async () => {
    const owner = await createAccount();
    const name = uniqueName("cy");
    const before = await db.user.count();
    const sent = watchOutbox();
    const { result, redirectedTo } = await register({
      username: name,
      email: owner.email.toUpperCase(),
      password: "a long enough passphrase",
    });
    expect(result).toBeUndefined();
    expect(redirectedTo).toBe("/verify-email");
    expect(await db.user.count()).toBe(before);
    expect(await db.user.findUnique({ where: { username: name } })).toBeNull();
    // The same cookies as a new account's step: a challenge token and the address.
    expect(browser.cookies.get("2fa-challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(browser.cookies.has("registration")).toBe(true);
    const mails = sent();
    expect(mails.map((mail) => [mail.to, mail.subject])).toEqual([
      [owner.email, "Someone tried to register with your email address"],
    ]);
    expect(mails[0].text).toContain("/forgot-password");
  });

  it.each([
    [
      "verified",
      { verified: true, twoFactorMethod: null, createdAt: new Date(Date.now() - minutes(25 * 60)) },
    ],
    ["unverified but under 24 hours old", { verified: false, twoFactorMethod: null }],
    [
      "unverified with a factor",
      { verified: false, twoFactorMethod: "totp", createdAt: new Date(Date.now() - minutes(25 * 60)) },
    ],
  ] as const)("keeps an address whose account is %s", async (_case, state) => {
    const holder = await createAccount(state);
    const sent = watchOutbox();
    await register({
      username: uniqueName("taker"),
      email: holder.email,
      password: "a long enough passphrase",
    });
    expect(await db.user.findUnique({ where: { id: holder.id } })).not.toBeNull();
    expect(await db.user.count({ where: { email: holder.email } })).toBe(1);
    // An account that proved nothing yet is sent nothing but verification codes.
    const proved = state.verified || state.twoFactorMethod !== null;
    expect(sent().map((mail) => mail.to)).toEqual(proved ? [holder.email] : []);
  });

  it("takes over the address of an unverified, factorless account older than 24 hours", async () => {
    const stale = await createAccount({
      verified: false,
      twoFactorMethod: null,
      createdAt: new Date(Date.now() - minutes(24 * 60 + 1)),
    });
    const name = uniqueName("taker");
    const sent = watchOutbox();
    const { redirectedTo } = await register({
      username: name,
      email: stale.email,
      password: "a long enough passphrase",
    });
    expect(redirectedTo).toBe("/verify-email");
    expect(await db.user.findUnique({ where: { id: stale.id } })).toBeNull();
    const user = await db.user.findUniqueOrThrow({ where: { email: stale.email } });
    expect(user.username).toBe(name);
    expect(sent().map((mail) => mail.subject)).toEqual(["Confirm your email address"]);
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
