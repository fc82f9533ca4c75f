/** @jest-environment node */
import { completeSessionClaims, mintSession, SESSION_COOKIE } from "@/__tests__/kit/attacker";
import { Browser } from "@/__tests__/kit/browsers";
import { freshIp } from "@/__tests__/kit/names";
import { runAction } from "@/__tests__/kit/request-scope";
import { createEnrolledUser, type TestUser } from "@/__tests__/kit/users";
import { SESSION_MAX_AGE_SECONDS } from "@/lib/auth/session-claims";
import { db } from "@/lib/server/platform/db";
import { endSession, getCurrentSession, requireSession } from "@/lib/server/sign-in/session";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);

// A browser holding a session cookie for `user` with the app's own claims,
// changed where `change` says.
async function browserWith(user: TestUser, change: Record<string, unknown> = {}): Promise<Browser> {
  const claims = { ...(await completeSessionClaims(user)), ...change };
  const browser = new Browser(freshIp());
  browser.cookies.set(SESSION_COOKIE, await mintSession(claims));
  return browser;
}

describe("getCurrentSession", () => {
  it("answers a complete session of an enrolled user with the user's row", async () => {
    const user = await createEnrolledUser();
    const current = await (await browserWith(user)).run(() => getCurrentSession());
    expect(current?.user).toMatchObject({ id: user.id, username: user.username, twoFactorMethod: "totp" });
    expect(current?.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Math.abs(current!.authenticatedAt - Date.now() / 1000)).toBeLessThan(5);
  });

  it("answers nothing without a cookie, or for a cookie under another secret", async () => {
    const user = await createEnrolledUser();
    expect(await new Browser(freshIp()).run(() => getCurrentSession())).toBeNull();
    const foreign = new Browser(freshIp());
    foreign.cookies.set(
      SESSION_COOKIE,
      await mintSession(await completeSessionClaims(user), { secret: "another-secret-0123456789abcdef0123" }),
    );
    expect(await foreign.run(() => getCurrentSession())).toBeNull();
  });

  it("answers nothing for a session without the second factor, or past its lifetime", async () => {
    const user = await createEnrolledUser();
    const old = Math.floor(Date.now() / 1000) - SESSION_MAX_AGE_SECONDS - 1;
    for (const change of [{ mfa: false }, { sid: "" }, { at: old }, { sub: undefined }]) {
      expect(await (await browserWith(user, change)).run(() => getCurrentSession())).toBeNull();
    }
  });

  it("answers nothing once the user's session version moved on (sign out everywhere)", async () => {
    const user = await createEnrolledUser();
    const browser = await browserWith(user);
    await db.user.update({ where: { id: user.id }, data: { sessionVersion: { increment: 1 } } });
    expect(await browser.run(() => getCurrentSession())).toBeNull();
    expect(await (await browserWith(user, { sv: 1 })).run(() => getCurrentSession())).not.toBeNull();
  });

  it("answers nothing for an account without a second factor, or one that is gone", async () => {
    const user = await createEnrolledUser();
    const browser = await browserWith(user);
    await db.user.update({ where: { id: user.id }, data: { twoFactorMethod: null } });
    expect(await browser.run(() => getCurrentSession())).toBeNull();
    expect(
      await (await browserWith(user, { sub: "no-such-user" })).run(() => getCurrentSession()),
    ).toBeNull();
  });
});

describe("endSession", () => {
  it("ends this session for every copy of its cookie, and leaves the user's others", async () => {
    const user = await createEnrolledUser();
    const browser = await browserWith(user);
    const other = await browserWith(user);
    const current = (await browser.run(() => getCurrentSession()))!;
    await endSession(current);
    await endSession(current);
    expect(await browser.run(() => getCurrentSession())).toBeNull();
    expect(await other.run(() => getCurrentSession())).not.toBeNull();
    const row = await db.userSession.findUniqueOrThrow({ where: { id: current.sessionId } });
    expect(row.userId).toBe(user.id);
    expect(row.endedAt).not.toBeNull();
  });
});

describe("getCurrentSession and the session's row", () => {
  it("refuses a cookie whose session has no row (issued before the table, or never recorded)", async () => {
    const user = await createEnrolledUser();
    const browser = await browserWith(user, { sid: "0b3c6a52-0000-4000-8000-000000000000" });
    expect(await browser.run(() => getCurrentSession())).toBeNull();
  });

  it("refuses a session whose row belongs to another user", async () => {
    const [user, other] = [await createEnrolledUser(), await createEnrolledUser()];
    const { sid } = await completeSessionClaims(other);
    expect(await (await browserWith(user, { sid })).run(() => getCurrentSession())).toBeNull();
  });

  it("refuses a session whose row ended or expired", async () => {
    const user = await createEnrolledUser();
    const ended = await browserWith(user);
    const expired = await browserWith(user);
    const sid = async (browser: Browser) => (await browser.run(() => getCurrentSession()))!.sessionId;
    await db.userSession.update({ where: { id: await sid(ended) }, data: { endedAt: new Date() } });
    await db.userSession.update({
      where: { id: await sid(expired) },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect(await ended.run(() => getCurrentSession())).toBeNull();
    expect(await expired.run(() => getCurrentSession())).toBeNull();
  });

  it("moves lastSeenAt at most once a minute", async () => {
    const user = await createEnrolledUser();
    const browser = await browserWith(user);
    const { sessionId } = (await browser.run(() => getCurrentSession()))!;
    const seen = async () =>
      (await db.userSession.findUniqueOrThrow({ where: { id: sessionId } })).lastSeenAt;
    const thirtySecondsAgo = new Date(Date.now() - 30_000);
    await db.userSession.update({ where: { id: sessionId }, data: { lastSeenAt: thirtySecondsAgo } });
    await browser.run(() => getCurrentSession());
    expect(await seen()).toEqual(thirtySecondsAgo);
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    await db.userSession.update({ where: { id: sessionId }, data: { lastSeenAt: twoMinutesAgo } });
    await browser.run(() => getCurrentSession());
    expect(Math.abs((await seen()).getTime() - Date.now())).toBeLessThan(5_000);
  });
});

describe("requireSession", () => {
  it("answers the session, or sends the browser to sign in and come back", async () => {
    const user = await createEnrolledUser();
    const signedIn = await (await browserWith(user)).run(() => runAction(() => requireSession("/token")));
    expect(signedIn.result?.user.id).toBe(user.id);
    const signedOut = await new Browser(freshIp()).run(() =>
      runAction(() => requireSession("/settings/security?tab=1")),
    );
    expect(signedOut).toEqual({ redirectedTo: "/login?callbackUrl=%2Fsettings%2Fsecurity%3Ftab%3D1" });
  });
});
