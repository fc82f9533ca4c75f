/** @jest-environment node */
import { loginAction } from "@/app/login/actions";
import { sendEmailCodeAction, verifyAction } from "@/app/login/verify/actions";
import { browser, form, runAction } from "@/__tests__/kit/request-scope";
import { createEnrolledUser } from "@/__tests__/kit/users";
import { db } from "@/lib/server/platform/db";
import { issueEmailCode } from "@/lib/server/factors/email-codes";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/request-scope").nextHeaders);

beforeAll(() => {
  // Read on first use of the environment, which no test has made yet.
  process.env.EMAIL_SECOND_FACTOR = "false";
});
afterAll(() => {
  delete process.env.EMAIL_SECOND_FACTOR;
});

describe("with EMAIL_SECOND_FACTOR=false", () => {
  it("sends no code and accepts none", async () => {
    const user = await createEnrolledUser();
    browser.reset("198.51.100.77");
    await runAction(() => loginAction({}, form({ identifier: user.username, password: user.password })));
    const { result } = await runAction(() => sendEmailCodeAction({}, form({})));
    expect(result?.message).toMatch(/^Emailed codes are turned off/);
    expect(await db.emailCode.count({ where: { userId: user.id } })).toBe(0);

    // Even a code that somehow exists for this challenge is refused.
    const challenge = await db.signInChallenge.findFirstOrThrow({ where: { userId: user.id } });
    const issued = await issueEmailCode(user.id, challenge.id);
    if (!issued.ok) throw new Error("expected a code");
    const verdict = await runAction(() => verifyAction({}, form({ method: "email", code: issued.code })));
    expect(verdict.redirectedTo).toBeUndefined();
    expect(verdict.result?.errors?.code?.[0]).toMatch(/not right/);
  });
});
