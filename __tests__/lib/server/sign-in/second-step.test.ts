/** @jest-environment node */
import { Browser } from "@/__tests__/kit/browsers";
import { freshIp } from "@/__tests__/kit/names";
import { runAction } from "@/__tests__/kit/request-scope";
import { createEnrolledUser } from "@/__tests__/kit/users";
import { db } from "@/lib/server/platform/db";
import { claimWindowTry } from "@/lib/server/platform/rate-limit";
import { LIMITS } from "@/lib/server/policy";
import { createChallenge, getPendingChallenge, type PendingChallenge } from "@/lib/server/sign-in/challenge";
import {
  acceptSecondStep,
  recordPasskeyRefusal,
  refuseSecondStep,
  secondStepLimitKey,
} from "@/lib/server/sign-in/second-step";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);

const request = { ip: "198.51.100.30", userAgent: "jest" };

async function pendingSignIn() {
  const user = await createEnrolledUser();
  const browser = new Browser(freshIp());
  await browser.run(() => createChallenge(user.id, "signin", request));
  const challenge = await browser.run(() => getPendingChallenge("signin"));
  if (!challenge) throw new Error("no challenge");
  return { user, browser, challenge };
}

const eventsOf = (userId: string) =>
  db.securityEvent.findMany({
    where: { userId },
    orderBy: { createdAt: "asc" },
    select: { type: true, detail: true },
  });

// What a wrong try sees: the challenge as the guard read it, then the try claimed.
async function claimedTry(challenge: PendingChallenge): Promise<PendingChallenge> {
  const row = await db.signInChallenge.update({
    where: { id: challenge.id },
    data: { failedAttempts: { increment: 1 } },
  });
  return { ...challenge, failedAttempts: row.failedAttempts - 1 };
}

describe("acceptSecondStep", () => {
  it("verifies the challenge, forgets the account's wrong codes, records the method, remembers the browser", async () => {
    const { user, browser, challenge } = await pendingSignIn();
    const key = await browser.run(() => secondStepLimitKey(user.id));
    expect(key).toBe(`code:account:${user.id}`);
    await claimWindowTry(key, LIMITS.codesPerAccount);
    const destination = await browser.run(() =>
      acceptSecondStep({ challenge, method: "passkey", request, callbackUrl: "/token" }),
    );
    expect(destination).toBe("/token");
    expect(
      (await db.signInChallenge.findUniqueOrThrow({ where: { id: challenge.id } })).verifiedAt,
    ).not.toBeNull();
    expect(await db.rateLimit.findUnique({ where: { key } })).toBeNull();
    expect(await eventsOf(user.id)).toEqual([{ type: "sign_in", detail: "Passkey" }]);
    expect(browser.cookies.has("known-device")).toBe(true);
    // Now this browser's tries are its own.
    expect(await browser.run(() => secondStepLimitKey(user.id))).toMatch(
      new RegExp(`^code:device:${user.id}:`),
    );
  });

  it("sends a recovery code's user to /dashboard and records the codes left; a foreign callback goes home", async () => {
    const first = await pendingSignIn();
    const destination = await first.browser.run(() =>
      acceptSecondStep({
        challenge: first.challenge,
        method: "recovery",
        request,
        callbackUrl: "/token",
        recoveryCodesLeft: 9,
      }),
    );
    expect(destination).toBe("/dashboard");
    expect(await eventsOf(first.user.id)).toEqual([
      { type: "sign_in", detail: "Recovery code" },
      { type: "recovery_code_used", detail: "9 left" },
    ]);
    const second = await pendingSignIn();
    expect(
      await second.browser.run(() =>
        acceptSecondStep({
          challenge: second.challenge,
          method: "totp",
          request,
          callbackUrl: "https://evil.test/",
        }),
      ),
    ).toBe("/dashboard");
  });

  it("sends the browser back to /login when the challenge ended meanwhile", async () => {
    const { user, browser, challenge } = await pendingSignIn();
    await db.signInChallenge.update({ where: { id: challenge.id }, data: { consumedAt: new Date() } });
    const outcome = await browser.run(() =>
      runAction(() => acceptSecondStep({ challenge, method: "totp", request, callbackUrl: null })),
    );
    expect(outcome.redirectedTo).toBe("/login?expired=1");
    expect(await eventsOf(user.id)).toEqual([]);
  });
});

describe("refuseSecondStep", () => {
  it("records the method, counts the wrong try, says the tries left, and the fifth voids the sign-in", async () => {
    const { user, browser, challenge } = await pendingSignIn();
    for (let left = 4; left >= 1; left--) {
      const seen = await claimedTry(challenge);
      const refused = await browser.run(() =>
        refuseSecondStep({ challenge: seen, method: "passkey", request }),
      );
      expect(refused).toEqual({ left });
    }
    const last = await claimedTry(challenge);
    const outcome = await browser.run(() =>
      runAction(() => refuseSecondStep({ challenge: last, method: "passkey", request })),
    );
    expect(outcome.redirectedTo).toBe("/login?expired=1");
    const row = await db.signInChallenge.findUniqueOrThrow({ where: { id: challenge.id } });
    expect(row).toMatchObject({ wrongCodes: 5, verifiedAt: null, consumedAt: expect.any(Date) });
    expect(await eventsOf(user.id)).toEqual([
      ...Array(5).fill({ type: "sign_in_failed_code", detail: "Passkey" }),
      { type: "sign_in_stopped_at_code", detail: null },
    ]);
  });
});

describe("recordPasskeyRefusal", () => {
  it("records a counter that went back, and nothing for other refusals or an unknown account", async () => {
    const user = await createEnrolledUser();
    await recordPasskeyRefusal({ reason: "verification failed", userId: user.id }, request);
    await recordPasskeyRefusal({ reason: "counter" }, request);
    await recordPasskeyRefusal({ reason: "counter", userId: user.id }, request);
    expect(await eventsOf(user.id)).toEqual([
      { type: "passkey_refused", detail: "signature counter went back" },
    ]);
  });
});
