/** @jest-environment node */
import { randomBytes } from "node:crypto";
import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import {
  beginResetPasskeyAction,
  finishResetPasskeyAction,
  resetPasswordAction,
} from "@/app/reset-password/actions";
import { Browser } from "@/__tests__/kit/browsers";
import { freshIp } from "@/__tests__/kit/names";
import { addPasskey, createPasskeyUser } from "@/__tests__/kit/passkey-users";
import { form, runAction } from "@/__tests__/kit/request-scope";
import { SoftwareAuthenticator, type AuthenticatorKnobs } from "@/__tests__/kit/software-authenticator";
import { createEnrolledUser } from "@/__tests__/kit/users";
import { verifyPassword } from "@/lib/server/accounts/password";
import { findReset, issueResetLink } from "@/lib/server/accounts/password-reset";
import { startPasskeyAuthentication } from "@/lib/server/factors/passkeys";
import { db } from "@/lib/server/platform/db";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);

const RESET_COOKIE = "password-reset";
const WRONG = (left: number) =>
  `That passkey could not be used for this account. ${left} ${left === 1 ? "try" : "tries"} left before codes are refused for a while.`;

async function resetLink(userId: string): Promise<string> {
  const issued = await issueResetLink(userId, freshIp());
  if (!issued.ok) throw new Error(`expected a link, got ${issued.reason}`);
  return issued.token;
}

async function begin(browser: Browser, token: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const { result } = await browser.run(() => runAction(() => beginResetPasskeyAction({}, form({ token }))));
  if (result?.options?.ceremony !== "get") throw new Error(`no options: ${JSON.stringify(result)}`);
  return result.options.json;
}

const finish = (browser: Browser, token: string, response: unknown) =>
  browser.run(() =>
    runAction(() => finishResetPasskeyAction({}, form({ token, response: JSON.stringify(response) }))),
  );

async function signWithPasskey(
  browser: Browser,
  token: string,
  authenticator: SoftwareAuthenticator,
  knobs: AuthenticatorKnobs = {},
) {
  return finish(browser, token, authenticator.authenticate(await begin(browser, token), knobs));
}

describe("a passkey as a password reset's second factor", () => {
  it("proves the factor of an account enrolled with a passkey (no user verification needed), then the new password is taken", async () => {
    const user = await createPasskeyUser({ method: "passkey" });
    const token = await resetLink(user.id);
    const browser = new Browser(freshIp());
    const options = await begin(browser, token);
    expect(options.allowCredentials?.map((credential) => credential.id)).toEqual([
      user.authenticator.credentials[0].id.toString("base64url"),
    ]);
    const answer = user.authenticator.authenticate(options, { userVerified: false });
    const { redirectedTo } = await finish(browser, token, answer);
    expect(redirectedTo).toBe(`/reset-password?token=${token}`);
    expect(browser.cookies.get(RESET_COOKIE)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await findReset(token)).toMatchObject({ ok: true, reset: { factorVerified: true } });
    // A right factor forgets the account's wrong ones.
    expect(await db.rateLimit.findUnique({ where: { key: `code:account:${user.id}` } })).toBeNull();
    const newPassword = "a brand new and long passphrase";
    const done = await browser.run(() =>
      runAction(() => resetPasswordAction({}, form({ token, newPassword }))),
    );
    expect(done.redirectedTo).toBe("/login?reset=1");
    const { passwordHash } = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(await verifyPassword(passwordHash, newPassword)).toBe(true);
  });

  it("also serves an account with an authenticator app and emailed codes", async () => {
    for (const method of ["totp", "email"] as const) {
      const user = await createPasskeyUser({ method });
      const token = await resetLink(user.id);
      const browser = new Browser(freshIp());
      expect((await signWithPasskey(browser, token, user.authenticator)).redirectedTo).toBe(
        `/reset-password?token=${token}`,
      );
    }
  });

  it("counts another account's passkey as a wrong factor under the account's code limit", async () => {
    const user = await createPasskeyUser();
    const other = await createPasskeyUser();
    const token = await resetLink(user.id);
    const browser = new Browser(freshIp());
    for (let left = 9; left >= 1; left--) {
      const foreign = other.authenticator.authenticate({
        ...(await begin(browser, token)),
        allowCredentials: [],
      });
      expect((await finish(browser, token, foreign)).result?.message).toBe(WRONG(left));
    }
    const tenth = other.authenticator.authenticate({
      ...(await begin(browser, token)),
      allowCredentials: [],
    });
    expect((await finish(browser, token, tenth)).result?.message).toBe(
      "That passkey could not be used for this account. Too many attempts. Try again in 15 minutes.",
    );
    // The right passkey now waits too, and nothing was proven.
    const right = await signWithPasskey(browser, token, user.authenticator);
    expect(right.result?.message).toMatch(/^Too many attempts\. Try again in 1[45] minutes\.$/);
    expect(browser.cookies.has(RESET_COOKIE)).toBe(false);
    expect(await findReset(token)).toMatchObject({ ok: true, reset: { factorVerified: false } });
    const failures = await db.securityEvent.findMany({
      where: { userId: user.id, type: "sign_in_failed_code" },
    });
    expect(failures.map((event) => event.detail)).toEqual(Array(10).fill("password reset, Passkey"));
    expect(await db.rateLimit.findUnique({ where: { key: `code:account:${user.id}` } })).toMatchObject({
      count: 10,
    });
  });

  it("refuses a passkey challenge begun for a sign-in of the account", async () => {
    const user = await createPasskeyUser();
    const token = await resetLink(user.id);
    const signIn = await db.signInChallenge.create({
      data: {
        tokenHash: randomBytes(32).toString("hex"),
        userId: user.id,
        purpose: "signin",
        expiresAt: new Date(Date.now() + 5 * 60_000),
      },
    });
    const options = await startPasskeyAuthentication({ userId: user.id, signInChallengeId: signIn.id });
    const browser = new Browser(freshIp());
    await begin(browser, token);
    const answer = user.authenticator.authenticate(options);
    expect((await finish(browser, token, answer)).result?.message).toBe(WRONG(9));
    expect(await findReset(token)).toMatchObject({ ok: true, reset: { factorVerified: false } });
  });

  it("refuses a signature counter that went back, and records it", async () => {
    const user = await createPasskeyUser();
    const token = await resetLink(user.id);
    const browser = new Browser(freshIp());
    expect(
      (await signWithPasskey(browser, token, user.authenticator, { counter: 9 })).redirectedTo,
    ).toBeDefined();
    const again = await resetLink(user.id);
    const back = await signWithPasskey(browser, again, user.authenticator, { counter: 3 });
    expect(back.result?.message).toBe(WRONG(9));
    const refused = await db.securityEvent.findMany({ where: { userId: user.id, type: "passkey_refused" } });
    expect(refused.map((event) => event.detail)).toEqual(["signature counter went back"]);
  });

  it("refuses a removed passkey", async () => {
    const user = await createPasskeyUser();
    const spare = new SoftwareAuthenticator();
    await addPasskey(user, spare);
    const token = await resetLink(user.id);
    const browser = new Browser(freshIp());
    const options = await begin(browser, token);
    await db.passkey.delete({ where: { id: user.passkeyId } });
    const answer = user.authenticator.authenticate(options);
    expect((await finish(browser, token, answer)).result?.message).toBe(WRONG(9));
    expect(browser.cookies.has(RESET_COOKIE)).toBe(false);
  });

  it("offers no passkey ceremony for an account without one, nor for a bad link", async () => {
    const user = await createEnrolledUser();
    await db.user.update({ where: { id: user.id }, data: { emailVerifiedAt: new Date() } });
    const token = await resetLink(user.id);
    const browser = new Browser(freshIp());
    const none = await browser.run(() => runAction(() => beginResetPasskeyAction({}, form({ token }))));
    expect(none.result?.options).toBeUndefined();
    expect(none.result?.message).toBe("This account has no passkey. Use another way.");
    const forged = await browser.run(() =>
      runAction(() => beginResetPasskeyAction({}, form({ token: "forged" }))),
    );
    expect(forged.result?.message).toBe(
      "This reset link is not valid or was already used. Ask for a new one.",
    );
    expect(await db.passkeyChallenge.count({ where: { userId: user.id } })).toBe(0);
  });

  it("refuses an unreadable answer with a message, counting nothing", async () => {
    const user = await createPasskeyUser();
    const token = await resetLink(user.id);
    const browser = new Browser(freshIp());
    for (const response of ["", "{}", "x".repeat(20_000)]) {
      const { result } = await browser.run(() =>
        runAction(() => finishResetPasskeyAction({}, form({ token, response }))),
      );
      expect(result?.errors?.response).toEqual(["The passkey's answer could not be read. Try again."]);
    }
    expect(await db.rateLimit.findUnique({ where: { key: `code:account:${user.id}` } })).toBeNull();
  });
});
