/** @jest-environment node */
import { createHash } from "node:crypto";
import { Browser } from "@/__tests__/kit/browsers";
import { freshIp } from "@/__tests__/kit/names";
import { createEnrolledUser } from "@/__tests__/kit/users";
import { db } from "@/lib/server/platform/db";
import { MAX_CHALLENGE_FAILURES, MAX_PENDING_CHALLENGES } from "@/lib/server/policy";
import {
  challengeCookieName,
  claimChallengeAttempt,
  clearChallengeCookie,
  consumeVerifiedChallenge,
  createChallenge,
  createReauthChallenge,
  endPendingSignIns,
  getPendingChallenge,
  latestReauthChallengeId,
  markChallengeVerified,
  recordWrongCode,
  type ChallengePurpose,
} from "@/lib/server/sign-in/challenge";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);

const context = { ip: "198.51.100.20", userAgent: "jest" };

// A browser with a fresh challenge of `purpose` for a new enrolled user.
async function started(purpose: ChallengePurpose = "signin") {
  const user = await createEnrolledUser();
  const browser = new Browser(freshIp());
  await browser.run(() => createChallenge(user.id, purpose, context));
  const challenge = await browser.run(() => getPendingChallenge(purpose));
  if (!challenge) throw new Error("no challenge after createChallenge");
  return { user, browser, challenge, token: browser.cookies.get(challengeCookieName()) as string };
}

describe("createChallenge", () => {
  it("binds the challenge to this browser by an HttpOnly cookie whose token is stored only hashed", async () => {
    const { user, browser, challenge, token } = await started();
    expect(challengeCookieName()).toBe("2fa-challenge");
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const options = browser.cookieOptions.get("2fa-challenge");
    expect(options).toMatchObject({ httpOnly: true, sameSite: "lax", secure: false });
    expect(new Date(options?.expires as Date).getTime()).toBe(challenge.expiresAt.getTime());
    const row = await db.signInChallenge.findUniqueOrThrow({ where: { id: challenge.id } });
    expect(row.tokenHash).toBe(createHash("sha256").update(token).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(challenge).toMatchObject({
      userId: user.id,
      purpose: "signin",
      failedAttempts: 0,
      verified: false,
    });
    expect(challenge.expiresAt.getTime() - Date.now()).toBeGreaterThan(4 * 60_000);
    expect(challenge.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(5 * 60_000);
  });

  it("is found only for its own purpose, and not by a browser without the cookie", async () => {
    const { browser } = await started("signin");
    expect(await browser.run(() => getPendingChallenge("enrol"))).toBeNull();
    expect(await new Browser(freshIp()).run(() => getPendingChallenge("signin"))).toBeNull();
    await browser.run(() => clearChallengeCookie());
    expect(await browser.run(() => getPendingChallenge("signin"))).toBeNull();
  });

  it(`keeps at most ${MAX_PENDING_CHALLENGES} pending sign-ins per account, the newest`, async () => {
    const user = await createEnrolledUser();
    const browsers = Array.from({ length: MAX_PENDING_CHALLENGES + 2 }, () => new Browser(freshIp()));
    for (const browser of browsers) await browser.run(() => createChallenge(user.id, "signin", context));
    expect(await db.signInChallenge.count({ where: { userId: user.id, purpose: "signin" } })).toBe(
      MAX_PENDING_CHALLENGES,
    );
    expect(await browsers[0].run(() => getPendingChallenge("signin"))).toBeNull();
    expect(await browsers.at(-1)!.run(() => getPendingChallenge("signin"))).not.toBeNull();
  });

  it("gives an enrolment a secret of its own and ends the account's older enrolments", async () => {
    const { user, browser, challenge } = await started("enrol");
    const row = await db.signInChallenge.findUniqueOrThrow({ where: { id: challenge.id } });
    expect(row.enrolSecret).toBeTruthy();
    const other = new Browser(freshIp());
    await other.run(() => createChallenge(user.id, "enrol", context));
    expect(await browser.run(() => getPendingChallenge("enrol"))).toBeNull();
    const ended = await db.signInChallenge.findUniqueOrThrow({ where: { id: challenge.id } });
    expect(ended.consumedAt).not.toBeNull();
    expect(ended.enrolSecret).toBeNull();
  });
});

describe("code tries of a challenge", () => {
  it(`claims ${MAX_CHALLENGE_FAILURES} tries, then refuses, and the challenge is gone`, async () => {
    const { browser, challenge } = await started();
    const claims = [];
    for (let i = 0; i < MAX_CHALLENGE_FAILURES + 1; i++)
      claims.push(await claimChallengeAttempt(challenge.id));
    expect(claims).toEqual([...Array(MAX_CHALLENGE_FAILURES).fill(true), false]);
    expect(await browser.run(() => getPendingChallenge("signin"))).toBeNull();
  });

  it("ends the sign-in at the fifth wrong code, and says so once", async () => {
    const { browser, challenge } = await started();
    const verdicts = [];
    for (let i = 0; i < MAX_CHALLENGE_FAILURES + 1; i++) verdicts.push(await recordWrongCode(challenge.id));
    expect(verdicts).toEqual([...Array(MAX_CHALLENGE_FAILURES - 1).fill(false), true, false]);
    expect(await browser.run(() => getPendingChallenge("signin"))).toBeNull();
  });
});

describe("consumeVerifiedChallenge", () => {
  it("yields the user once, and only after the second factor was verified", async () => {
    const { user, challenge, token } = await started();
    expect(await consumeVerifiedChallenge(token)).toBeNull();
    expect(await markChallengeVerified(challenge.id)).toBe(true);
    expect(await markChallengeVerified(challenge.id)).toBe(false);
    const [first, second] = await Promise.all([
      consumeVerifiedChallenge(token),
      consumeVerifiedChallenge(token),
    ]);
    expect([first, second].sort()).toEqual([null, user.id].sort());
    expect(await consumeVerifiedChallenge(token)).toBeNull();
  });

  it("refuses an expired challenge, verified or not", async () => {
    const { challenge, token } = await started();
    await markChallengeVerified(challenge.id);
    await db.signInChallenge.update({
      where: { id: challenge.id },
      data: { expiresAt: new Date(Date.now() - 1) },
    });
    expect(await consumeVerifiedChallenge(token)).toBeNull();
    expect(await markChallengeVerified(challenge.id)).toBe(false);
  });

  it("forgets what an enrolment held once it is consumed", async () => {
    const { challenge, token } = await started("enrol");
    await markChallengeVerified(challenge.id);
    await db.signInChallenge.update({ where: { id: challenge.id }, data: { enrolCodes: "sealed" } });
    expect(await consumeVerifiedChallenge(token)).not.toBeNull();
    const row = await db.signInChallenge.findUniqueOrThrow({ where: { id: challenge.id } });
    expect([row.enrolSecret, row.enrolCodes]).toEqual([null, null]);
  });
});

describe("endPendingSignIns", () => {
  it("ends the account's open sign-ins without a session", async () => {
    const { user, browser, token } = await started();
    await endPendingSignIns(user.id);
    expect(await browser.run(() => getPendingChallenge("signin"))).toBeNull();
    expect(await consumeVerifiedChallenge(token)).toBeNull();
  });
});

describe("re-authentication challenges", () => {
  it("need no cookie, and the newest live one is the account's", async () => {
    const user = await createEnrolledUser();
    const browser = new Browser(freshIp());
    expect(await latestReauthChallengeId(user.id)).toBeNull();
    const first = await browser.run(() => createReauthChallenge(user.id, context));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await browser.run(() => createReauthChallenge(user.id, context));
    expect(browser.cookies.size).toBe(0);
    expect(second).toMatchObject({ userId: user.id, purpose: "reauth", failedAttempts: 0, verified: false });
    expect(await latestReauthChallengeId(user.id)).toBe(second.id);
    await db.signInChallenge.update({ where: { id: second.id }, data: { consumedAt: new Date() } });
    expect(await latestReauthChallengeId(user.id)).toBe(first.id);
  });
});
