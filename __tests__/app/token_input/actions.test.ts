/** @jest-environment node */
import { validateTokenAction } from "@/app/token_input/actions";
import { browser, form, runAction } from "@/__tests__/kit/request-scope";
import { createEnrolledUser, rowCounts } from "@/__tests__/kit/users";
import { issueAccessToken } from "@/lib/server/tokens/access-tokens";
import { db } from "@/lib/server/platform/db";
import { freshIp } from "@/__tests__/kit/names";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/request-scope").nextHeaders);

const check = (fields: Record<string, string | Blob>) =>
  runAction(() => validateTokenAction({}, form(fields)));

beforeEach(() => browser.reset(freshIp()));

describe("validateTokenAction", () => {
  it("says valid, for whom and until when", async () => {
    const user = await createEnrolledUser();
    const { token, claims } = await issueAccessToken(
      await db.user.findUniqueOrThrow({ where: { id: user.id } }),
    );
    const { result } = await check({ token: `  ${token}\n` });
    expect(result?.verdict).toEqual({
      valid: true,
      text: `Valid: an access token for ${user.username}, expires at ${new Date(claims.exp * 1000).toISOString()}.`,
    });
  });

  it("says why a token is not valid", async () => {
    const { result } = await check({ token: "not.a.token" });
    expect(result?.verdict).toEqual({
      valid: false,
      reason: "malformed",
      text: "This is not a well-formed token.",
    });
  });

  it.each([
    ["no field", {}],
    ["an empty field", { token: "   " }],
    ["a file", { token: new Blob(["x"]) }],
    ["10,000 characters", { token: "x".repeat(10_000) }],
  ])("refuses %s with a message, writing nothing", async (_name, fields) => {
    const before = await rowCounts();
    const { result } = await check(fields);
    expect(result?.errors?.token?.length).toBeGreaterThan(0);
    expect(await rowCounts()).toEqual(before);
  });
});

describe("validateTokenAction's echo", () => {
  it("returns the pasted token as the field's value, so that the reset form keeps it", async () => {
    const { result } = await check({ token: "not.a.token" });
    expect(result?.values).toEqual({ token: "not.a.token" });
  });

  it("echoes nothing that is too long to be a token", async () => {
    const { result } = await check({ token: "x".repeat(10_000) });
    expect(result?.values).toEqual({});
  });
});
