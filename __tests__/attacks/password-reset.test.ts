/** @jest-environment node */
import { randomBytes } from "node:crypto";
import { resetFactorAction, resetPasswordAction } from "@/app/reset-password/actions";
import { quietAuthErrors, signInFully } from "@/__tests__/kit/attacker";
import { Browser } from "@/__tests__/kit/browsers";
import { freshIp } from "@/__tests__/kit/names";
import { form, runAction } from "@/__tests__/kit/request-scope";
import { createEnrolledUser, currentCode, type TestUser } from "@/__tests__/kit/users";
import { verifyPassword } from "@/lib/server/accounts/password";
import { issueResetLink } from "@/lib/server/accounts/password-reset";
import { db } from "@/lib/server/platform/db";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);
quietAuthErrors();

// Password reset (ASVS 6.4.1-6.4.3): the emailed link is a bearer secret for
// one reset only, and even its holder cannot set a password without the
// account's second factor, proven in the same browser.

const INVALID = "This reset link is not valid or was already used. Ask for a new one.";
const EXPIRED = "This reset link has expired. Ask for a new one.";
const FACTOR_FIRST = "Prove your second factor first.";
const NEW_PASSWORD = "a brand new and long passphrase";

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

const passwordIs = async (user: TestUser, password: string) =>
  verifyPassword((await db.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash, password);

describe("reset-link reuse", () => {
  it("refuses a used link at both steps, even in the browser that used it", async () => {
    const user = await verifiedUser();
    const token = await resetLink(user.id);
    const browser = new Browser(freshIp());
    await proveFactor(browser, token, "recovery", user.recoveryCodes[0]);
    expect((await choosePassword(browser, token)).redirectedTo).toBe("/login?reset=1");
    // The attacker replays both posts, with the cookie the step set put back.
    const replay = new Browser(freshIp());
    for (const [name, value] of browser.cookies) replay.cookies.set(name, value);
    expect((await proveFactor(replay, token, "recovery", user.recoveryCodes[1])).result?.message).toBe(
      INVALID,
    );
    expect((await choosePassword(replay, token, "the attacker's own passphrase")).result?.message).toBe(
      INVALID,
    );
    expect(await passwordIs(user, NEW_PASSWORD)).toBe(true);
  });

  it("refuses an older link once a newer one was sent, and an expired one", async () => {
    const user = await verifiedUser();
    const older = await resetLink(user.id);
    const newer = await resetLink(user.id);
    const browser = new Browser(freshIp());
    expect((await proveFactor(browser, older, "recovery", user.recoveryCodes[0])).result?.message).toBe(
      INVALID,
    );
    await db.accountCode.updateMany({
      where: { userId: user.id, voidedAt: null },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect((await proveFactor(browser, newer, "recovery", user.recoveryCodes[0])).result?.message).toBe(
      EXPIRED,
    );
    expect(await db.recoveryCode.count({ where: { userId: user.id, usedAt: null } })).toBe(10);
  });

  it("refuses forged tokens without touching any account", async () => {
    const user = await verifiedUser();
    await resetLink(user.id);
    const browser = new Browser(freshIp());
    for (const token of [
      randomBytes(32).toString("base64url"),
      "",
      "x".repeat(300),
      "../../etc/passwd",
      "' OR 1=1 --",
    ]) {
      const { result } = await proveFactor(browser, token, "totp", await currentCode(user.secret));
      expect(result?.message ?? result?.errors?.token?.[0]).toMatch(/not valid/);
      expect((await choosePassword(browser, token)).result?.message ?? "not valid").toMatch(/not valid/);
    }
    // No code was checked, so no try was counted against the account.
    expect(await db.rateLimit.count({ where: { key: `code:account:${user.id}` } })).toBe(0);
  });
});

describe("reset with a wrong factor", () => {
  it("refuses a TOTP code the sign-in already used (one-time time steps)", async () => {
    const user = await verifiedUser();
    await signInFully(new Browser(freshIp()), user);
    const token = await resetLink(user.id);
    const browser = new Browser(freshIp());
    const replayed = await proveFactor(browser, token, "totp", await currentCode(user.secret));
    expect(replayed.result?.errors?.code).toEqual([
      "That code is not right. Wait for a new code and try again.",
    ]);
    expect(browser.cookies.has("password-reset")).toBe(false);
  });

  it("refuses another account's recovery code", async () => {
    const user = await verifiedUser();
    const other = await verifiedUser();
    const { result } = await proveFactor(
      new Browser(freshIp()),
      await resetLink(user.id),
      "recovery",
      other.recoveryCodes[0],
    );
    expect(result?.errors?.code).toEqual(["That recovery code is not valid or was already used."]);
  });

  it("does not let a factor proven in one browser set the password from another", async () => {
    const user = await verifiedUser();
    const token = await resetLink(user.id);
    const victim = new Browser(freshIp());
    await proveFactor(victim, token, "recovery", user.recoveryCodes[0]);
    const attacker = new Browser(freshIp());
    expect((await choosePassword(attacker, token)).result?.message).toBe(FACTOR_FIRST);
    attacker.cookies.set("password-reset", randomBytes(32).toString("base64url"));
    expect((await choosePassword(attacker, token)).result?.message).toBe(FACTOR_FIRST);
    // Nor a cookie proven for another account's link.
    const other = await verifiedUser();
    const otherToken = await resetLink(other.id);
    const own = new Browser(freshIp());
    await proveFactor(own, otherToken, "recovery", other.recoveryCodes[0]);
    for (const [name, value] of own.cookies) attacker.cookies.set(name, value);
    expect((await choosePassword(attacker, token)).result?.message).toBe(FACTOR_FIRST);
    expect(await passwordIs(user, user.password)).toBe(true);
  });

  it("lets exactly one of many parallel posts of one right code prove the factor", async () => {
    const user = await verifiedUser();
    const token = await resetLink(user.id);
    const code = await currentCode(user.secret);
    const browsers = Array.from({ length: 6 }, () => new Browser(freshIp()));
    const results = await Promise.all(browsers.map((browser) => proveFactor(browser, token, "totp", code)));
    expect(results.filter((result) => result.redirectedTo)).toHaveLength(1);
    expect(browsers.filter((browser) => browser.cookies.has("password-reset"))).toHaveLength(1);
  });
});
