/** @jest-environment node */
import { loginAction } from "@/app/login/actions";
import { verifyAction } from "@/app/login/verify/actions";
import { resetFactorAction, resetPasswordAction } from "@/app/reset-password/actions";
import { createAccount } from "@/__tests__/kit/account-codes";
import { passPasswordStep, quietAuthErrors, signInFully } from "@/__tests__/kit/attacker";
import { Browser } from "@/__tests__/kit/browsers";
import { freshIp } from "@/__tests__/kit/names";
import { watchOutbox } from "@/__tests__/kit/outbox";
import { form, runAction } from "@/__tests__/kit/request-scope";
import { createEnrolledUser, currentCode, type TestUser } from "@/__tests__/kit/users";
import { subject as resetDoneSubject } from "@/emails/password-reset-done";
import { hashPassword, verifyPassword } from "@/lib/server/accounts/password";
import { findReset, issueResetLink } from "@/lib/server/accounts/password-reset";
import { replaceRecoveryCodes } from "@/lib/server/factors/recovery-codes";
import { db } from "@/lib/server/platform/db";
import { getCurrentSession } from "@/lib/server/sign-in/session";
import { issueAccessToken, validateAccessToken } from "@/lib/server/tokens/access-tokens";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);
quietAuthErrors();

const NEW_PASSWORD = "a brand new and long passphrase";
const RESET_COOKIE = "password-reset";

async function verifiedUser(): Promise<TestUser> {
  const user = await createEnrolledUser();
  await db.user.update({ where: { id: user.id }, data: { emailVerifiedAt: new Date() } });
  return user;
}

async function resetLink(userId: string): Promise<string> {
  const issued = await issueResetLink(userId, freshIp());
  if (!issued.ok) throw new Error(`expected a link, got ${issued.reason}`);
  return issued.token;
}

const proveFactor = (browser: Browser, token: string, method: string, code: string) =>
  browser.run(() => runAction(() => resetFactorAction({}, form({ token, method, code }))));

const choosePassword = (browser: Browser, token: string, newPassword = NEW_PASSWORD) =>
  browser.run(() => runAction(() => resetPasswordAction({}, form({ token, newPassword }))));

const login = (browser: Browser, identifier: string, password: string) =>
  browser.run(() => runAction(() => loginAction({}, form({ identifier, password }))));

const passwordIs = async (user: TestUser, password: string) =>
  verifyPassword((await db.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash, password);

// A wrong code of the right shape.
const wrongTotp = async (secret: string) =>
  ((Number(await currentCode(secret)) + 1) % 1_000_000).toString().padStart(6, "0");

describe("the reset's second factor", () => {
  it("is required: posting the new password directly changes nothing", async () => {
    const user = await verifiedUser();
    const token = await resetLink(user.id);
    const browser = new Browser(freshIp());
    const bare = await choosePassword(browser, token);
    expect(bare.result?.message).toBe("Prove your second factor first.");
    // A cookie of the right shape that the factor step never set: completeReset says factor_required.
    browser.cookies.set(RESET_COOKIE, "A".repeat(43));
    const forged = await choosePassword(browser, token);
    expect(forged.result?.message).toBe("Prove your second factor first.");
    expect(await passwordIs(user, user.password)).toBe(true);
    expect(await findReset(token)).toMatchObject({ ok: true, reset: { factorVerified: false } });
  });

  it("accepts the authenticator code, then keeps the proof in a short-lived HttpOnly cookie for /reset-password only", async () => {
    const user = await verifiedUser();
    const token = await resetLink(user.id);
    const browser = new Browser(freshIp());
    const proven = await proveFactor(browser, token, "totp", await currentCode(user.secret));
    expect(proven.redirectedTo).toBe(`/reset-password?token=${token}`);
    expect(browser.cookies.get(RESET_COOKIE)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const options = browser.cookieOptions.get(RESET_COOKIE) as Record<string, unknown>;
    expect(options).toMatchObject({ httpOnly: true, sameSite: "lax", path: "/reset-password" });
    const expires = new Date(options.expires as Date).getTime();
    expect(expires).toBeGreaterThan(Date.now() + 9 * 60_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 10 * 60_000);
  });

  it("counts wrong codes toward the account's code limit, saying the tries left; the 10th locks for the window, sign-in included", async () => {
    const user = await verifiedUser();
    const token = await resetLink(user.id);
    const browser = new Browser(freshIp());
    const wrong = await wrongTotp(user.secret);
    const first = await proveFactor(browser, token, "totp", wrong);
    expect(first.result?.errors?.code).toEqual([
      "That code is not right. Wait for a new code and try again.",
    ]);
    expect(first.result?.message).toBe("9 tries left before codes are refused for a while.");
    for (let i = 2; i <= 9; i++) await proveFactor(browser, token, "totp", wrong);
    const tenth = await proveFactor(browser, token, "totp", wrong);
    expect(tenth.result?.message).toBe("Too many attempts. Try again in 15 minutes.");
    const right = await proveFactor(browser, token, "totp", await currentCode(user.secret));
    expect(right.result?.message).toMatch(/^Too many attempts\. Try again in 1[45] minutes\.$/);
    expect(browser.cookies.has(RESET_COOKIE)).toBe(false);
    // The same bucket as the sign-in's codes.
    const signIn = new Browser(freshIp());
    await passPasswordStep(signIn, user);
    const code = await currentCode(user.secret);
    const verified = await signIn.run(() =>
      runAction(() => verifyAction({}, form({ method: "totp", code }))),
    );
    expect(verified.result?.message).toMatch(/^Too many attempts/);
    const failures = await db.securityEvent.count({
      where: { userId: user.id, type: "sign_in_failed_code" },
    });
    expect(failures).toBe(10);
  });

  it("accepts a recovery code once", async () => {
    const user = await verifiedUser();
    const [code] = user.recoveryCodes;
    const first = await proveFactor(new Browser(freshIp()), await resetLink(user.id), "recovery", code);
    expect(first.redirectedTo).toMatch(/^\/reset-password\?token=/);
    expect(await db.recoveryCode.count({ where: { userId: user.id, usedAt: null } })).toBe(9);
    const again = await proveFactor(new Browser(freshIp()), await resetLink(user.id), "recovery", code);
    expect(again.result?.errors?.code).toEqual(["That recovery code is not valid or was already used."]);
  });

  it("asks an account whose only factor is email for a recovery code", async () => {
    const account = await createAccount({ twoFactorMethod: "email" });
    const [code] = await replaceRecoveryCodes(account.id);
    const issued = await issueResetLink(account.id, freshIp());
    if (!issued.ok) throw new Error("expected a link");
    const browser = new Browser(freshIp());
    const byApp = await proveFactor(browser, issued.token, "totp", "123456");
    expect(byApp.result?.errors?.code).toEqual([
      "This account has no authenticator app. Use one of your recovery codes.",
    ]);
    const byNothing = await browser.run(() =>
      runAction(() => resetFactorAction({}, form({ token: issued.token, method: "none" }))),
    );
    expect(byNothing.result?.errors?.code).toHaveLength(1);
    expect(await findReset(issued.token)).toMatchObject({ ok: true, reset: { factorVerified: false } });
    const byRecovery = await proveFactor(browser, issued.token, "recovery", code);
    expect(byRecovery.redirectedTo).toMatch(/^\/reset-password\?token=/);
  });
});

describe("the new password", () => {
  async function proven(user: TestUser) {
    const token = await resetLink(user.id);
    const browser = new Browser(freshIp());
    const proof = await proveFactor(browser, token, "recovery", user.recoveryCodes[1]);
    if (!proof.redirectedTo) throw new Error(`factor refused: ${JSON.stringify(proof.result)}`);
    return { token, browser };
  }

  it("follows the registration rules and may not be the current password", async () => {
    const user = await verifiedUser();
    // The kit's passwords contain the username; this one passes every other rule.
    const CURRENT = "the current long passphrase";
    await db.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(CURRENT) } });
    const { token, browser } = await proven(user);
    const cases: [string, string][] = [
      ["short", "Password must be at least 8 characters"],
      ["password123", "This password is too common. Choose a longer or less predictable one."],
      [`my ${user.username} words`, "Your password must not contain your username"],
      [CURRENT, "Choose a password different from your current one"],
    ];
    for (const [password, message] of cases) {
      const { result } = await choosePassword(browser, token, password);
      expect(result?.errors?.newPassword).toEqual([message]);
    }
    expect(await passwordIs(user, CURRENT)).toBe(true);
  });

  it("ends every session, access token and pending sign-in, emails a notice, and never signs in", async () => {
    const user = await verifiedUser();
    const signedIn = new Browser(freshIp());
    await signInFully(signedIn, user);
    const fresh = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    const { token: accessToken } = await issueAccessToken(fresh);
    const pending = new Browser(freshIp());
    await passPasswordStep(pending, user);

    const { token, browser } = await proven(user);
    const mailed = watchOutbox();
    const done = await choosePassword(browser, token);
    expect(done.redirectedTo).toBe("/login?reset=1");
    expect(browser.cookies.has(RESET_COOKIE)).toBe(false);
    expect([...browser.cookies.keys()].some((name) => name.includes("session-token"))).toBe(false);

    expect(await signedIn.run(async () => (await getCurrentSession())?.user.id ?? null)).toBeNull();
    expect(await validateAccessToken(accessToken)).toMatchObject({ valid: false, reason: "revoked" });
    const code = await currentCode(user.secret, 1);
    const late = await pending.run(() => runAction(() => verifyAction({}, form({ method: "totp", code }))));
    expect(late.redirectedTo).toBe("/login?expired=1");
    expect((await login(new Browser(freshIp()), user.username, user.password)).result?.message).toBe(
      "Invalid username or password",
    );
    expect((await login(new Browser(freshIp()), user.username, NEW_PASSWORD)).redirectedTo).toMatch(
      /^\/login\/verify/,
    );
    const notices = mailed().filter((mail) => mail.subject === resetDoneSubject);
    expect(notices.map((mail) => mail.to)).toEqual([user.email]);
    expect(notices[0].text).toContain(browser.ip);
    expect(await db.securityEvent.count({ where: { userId: user.id, type: "password_reset" } })).toBe(1);
  });

  it("refuses the link once it was used", async () => {
    const user = await verifiedUser();
    const { token, browser } = await proven(user);
    expect((await choosePassword(browser, token)).redirectedTo).toBe("/login?reset=1");
    const again = await choosePassword(browser, token, "another long passphrase here");
    expect(again.result?.message).toBe(
      "This reset link is not valid or was already used. Ask for a new one.",
    );
    const factor = await proveFactor(new Browser(freshIp()), token, "recovery", user.recoveryCodes[2]);
    expect(factor.result?.message).toBe(
      "This reset link is not valid or was already used. Ask for a new one.",
    );
    expect(await passwordIs(user, NEW_PASSWORD)).toBe(true);
  });
});
