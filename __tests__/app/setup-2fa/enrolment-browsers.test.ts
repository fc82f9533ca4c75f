/** @jest-environment node */
import { loginAction } from "@/app/login/actions";
import { verifyAction } from "@/app/login/verify/actions";
import { cancelSetupAction, confirmSetupAction } from "@/app/setup-2fa/actions";
import { CHALLENGE_COOKIE, freshIp } from "@/__tests__/kit/attacker";
import { Browser } from "@/__tests__/kit/browsers";
import { form, runAction } from "@/__tests__/kit/request-scope";
import { currentCode, uniqueName } from "@/__tests__/kit/users";
import { registerAccount } from "@/lib/server/accounts/accounts";
import { markEmailVerified } from "@/__tests__/kit/account-codes";
import { getPendingChallenge } from "@/lib/server/sign-in/challenge";
import { db } from "@/lib/server/platform/db";
import { getEnrolmentSecret } from "@/lib/server/factors/enrolment";
import { hashPassword } from "@/lib/server/accounts/password";
import { verifySecondFactor } from "@/lib/server/factors/two-factor";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);
// revalidatePath needs Next's request store, which jest has not: the browser suite sees its effect.
jest.mock("next/cache", () => ({ revalidatePath: jest.fn() }));

type Unfinished = { id: string; username: string; password: string };

// An account whose enrolment was never confirmed (registered, then left).
async function unfinishedAccount(): Promise<Unfinished> {
  const username = uniqueName("half");
  const password = `pass-${username}-words`;
  const result = await registerAccount({
    username,
    email: `${username}@example.test`,
    passwordHash: await hashPassword(password),
  });
  if (!result.ok) throw new Error("could not register");
  // Its address proven (registration's verification step is tested on its own).
  await markEmailVerified(username);
  return { id: result.userId, username, password };
}

async function passwordStep(browser: Browser, account: Unfinished): Promise<string | undefined> {
  const { redirectedTo } = await browser.run(() =>
    runAction(() => loginAction({}, form({ identifier: account.username, password: account.password }))),
  );
  return redirectedTo;
}

// The key /setup-2fa shows this browser: its own enrolment challenge's secret.
async function shownKey(browser: Browser): Promise<string | null> {
  const challenge = await browser.run(() => getPendingChallenge("enrol"));
  return challenge ? getEnrolmentSecret(challenge.id) : null;
}

const confirmIn = (browser: Browser, code: string) =>
  browser.run(() => runAction(() => confirmSetupAction({}, form({ code }))));

describe("an unfinished enrolment reached by two browsers", () => {
  it("shows each browser its own key; the attacker's key never becomes a working factor", async () => {
    const account = await unfinishedAccount();
    const attacker = new Browser(freshIp());
    const owner = new Browser(freshIp());

    expect(await passwordStep(attacker, account)).toBe("/setup-2fa");
    const attackerKey = await shownKey(attacker);
    expect(attackerKey).toMatch(/^[A-Z2-7]{32}$/);
    expect(await passwordStep(owner, account)).toBe("/setup-2fa");
    const ownerKey = await shownKey(owner);
    expect(ownerKey).toMatch(/^[A-Z2-7]{32}$/);
    expect(ownerKey).not.toBe(attackerKey);

    // The owner's newer enrolment ended the attacker's: its key confirms nothing.
    expect(await shownKey(attacker)).toBeNull();
    const stale = await confirmIn(attacker, await currentCode(attackerKey!));
    expect(stale.result?.message).toMatch(/expired/);
    // Nor does it confirm the owner's enrolment.
    const crossed = await confirmIn(owner, await currentCode(attackerKey!));
    expect(crossed.result?.errors?.code?.[0]).toMatch(/^That code is not right/);
    expect((await db.user.findUniqueOrThrow({ where: { id: account.id } })).twoFactorMethod).toBeNull();

    expect((await confirmIn(owner, await currentCode(ownerKey!))).redirectedTo).toBe("/setup-2fa");
    expect((await db.user.findUniqueOrThrow({ where: { id: account.id } })).twoFactorMethod).toBe("totp");

    // With the password, the attacker's earlier key gives no working code.
    for (const offset of [-1, 0, 1]) {
      const code = await currentCode(attackerKey!, offset);
      expect(await verifySecondFactor(account.id, "totp", code)).toEqual({ ok: false });
    }
    expect(await passwordStep(attacker, account)).toMatch(/^\/login\/verify/);
    const code = await currentCode(attackerKey!, 1);
    const signIn = await attacker.run(() =>
      runAction(() => verifyAction({}, form({ method: "totp", code }))),
    );
    expect(signIn.redirectedTo).toBeUndefined();
    expect(signIn.result?.errors?.code?.[0]).toMatch(/not right/);
    expect(signIn.redirectedTo).toBeUndefined();
  });

  it("makes a new key when the same browser starts enrolment again", async () => {
    const account = await unfinishedAccount();
    const browser = new Browser(freshIp());
    await passwordStep(browser, account);
    const first = await shownKey(browser);
    await passwordStep(browser, account);
    const second = await shownKey(browser);
    expect(second).not.toBeNull();
    expect(second).not.toBe(first);
  });

  it("Cancel ends the half-session and its key, and clears the cookie", async () => {
    const account = await unfinishedAccount();
    const browser = new Browser(freshIp());
    await passwordStep(browser, account);
    const key = await shownKey(browser);
    const challenge = await browser.run(() => getPendingChallenge("enrol"));
    const cookie = browser.cookies.get(CHALLENGE_COOKIE)!;

    const { redirectedTo } = await browser.run(() => runAction(() => cancelSetupAction()));
    expect(redirectedTo).toBe("/login?setupCancelled=1");
    expect(browser.cookies.has(CHALLENGE_COOKIE)).toBe(false);
    expect(await db.signInChallenge.findUniqueOrThrow({ where: { id: challenge!.id } })).toMatchObject({
      enrolSecret: null,
      consumedAt: expect.any(Date),
    });
    // Even with the old cookie back, the cancelled enrolment confirms nothing.
    browser.cookies.set(CHALLENGE_COOKIE, cookie);
    expect((await confirmIn(browser, await currentCode(key!))).result?.message).toMatch(/expired/);
    expect((await db.user.findUniqueOrThrow({ where: { id: account.id } })).twoFactorMethod).toBeNull();
  });
});
