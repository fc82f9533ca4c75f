/** @jest-environment node */
import { decode } from "next-auth/jwt";
import { GET as authGet } from "@/app/api/auth/[...nextauth]/route";
import { signInFully, SESSION_COOKIE } from "@/__tests__/kit/attacker";
import { Browser } from "@/__tests__/kit/browsers";
import { freshIp } from "@/__tests__/kit/names";
import { runAction } from "@/__tests__/kit/request-scope";
import { createEnrolledUser, type TestUser } from "@/__tests__/kit/users";
import { freshContext } from "@/__tests__/kit/account-codes";
import { changePassword, revokeAllSessions } from "@/lib/server/accounts/accounts";
import { completeReset, issueResetLink, markResetFactorVerified } from "@/lib/server/accounts/password-reset";
import { db } from "@/lib/server/platform/db";
import { getCurrentSession, requireSession } from "@/lib/server/sign-in/session";
import {
  endSessionOf,
  endUserSessions,
  listLiveSessions,
  recordSession,
} from "@/lib/server/sign-in/sessions";
import { SESSION_MAX_AGE_SECONDS } from "@/lib/auth/session-claims";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);

// Each sign-in needs a TOTP step of its own (a step is accepted once).
async function signInTwice(user: TestUser): Promise<[Browser, Browser]> {
  const laptop = new Browser(freshIp(), "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Chrome/131.0.0.0");
  const phone = new Browser(freshIp(), "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1");
  await signInFully(laptop, user);
  jest.useFakeTimers({ now: Date.now() + 30_000, doNotFake: ["nextTick", "setImmediate", "queueMicrotask"] });
  try {
    await signInFully(phone, user);
  } finally {
    jest.useRealTimers();
  }
  return [laptop, phone];
}

const sessionIdOf = async (browser: Browser): Promise<string | null> =>
  (await browser.run(() => getCurrentSession()))?.sessionId ?? null;

// next-auth's own /api/auth/session, behind the app's check.
async function sessionEndpoint(browser: Browser): Promise<unknown> {
  const request = new Request("http://localhost:3000/api/auth/session", { headers: browser.headers() });
  const response = await browser.run(() => (authGet as (request: Request) => Promise<Response>)(request));
  return response.json();
}

describe("sessions recorded at sign-in", () => {
  it("records a session row at sign-in, named by the cookie's sid, with browser, IP and times", async () => {
    const user = await createEnrolledUser();
    const browser = new Browser(freshIp(), "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0");
    const before = Date.now();
    const cookie = await signInFully(browser, user);
    const claims = await decode({
      token: cookie,
      secret: process.env.AUTH_SECRET as string,
      salt: SESSION_COOKIE,
    });
    const row = await db.userSession.findUniqueOrThrow({ where: { id: claims?.sid as string } });
    expect(row).toMatchObject({
      userId: user.id,
      ip: browser.ip,
      userAgent: browser.userAgent,
      endedAt: null,
    });
    expect(row.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(SESSION_MAX_AGE_SECONDS * 1000);
    expect(await sessionIdOf(browser)).toBe(row.id);
  });
});

describe("a revoked session", () => {
  it("is refused by pages and actions, and by /api/auth/session, at its next request", async () => {
    const user = await createEnrolledUser();
    const [laptop, phone] = await signInTwice(user);
    expect(await sessionEndpoint(phone)).toMatchObject({ user: { email: user.email } });
    const phoneSession = (await sessionIdOf(phone))!;

    expect(await endSessionOf(user.id, phoneSession)).toMatchObject({ ip: phone.ip });
    expect(await sessionIdOf(phone)).toBeNull();
    expect(await phone.run(() => runAction(() => requireSession("/dashboard")))).toEqual({
      redirectedTo: "/login?callbackUrl=%2Fdashboard",
    });
    expect(await sessionEndpoint(phone)).toBeNull();
    expect(await sessionIdOf(laptop)).not.toBeNull();
  });

  it("cannot be one of another user's: ending it by someone else changes nothing", async () => {
    const [owner, stranger] = [await createEnrolledUser(), await createEnrolledUser()];
    const browser = new Browser(freshIp());
    await signInFully(browser, owner);
    const sid = (await sessionIdOf(browser))!;
    expect(await endSessionOf(stranger.id, sid)).toBeNull();
    expect(await sessionIdOf(browser)).toBe(sid);
  });
});

describe("ending every session of a user", () => {
  it('"Sign out everywhere" ends every row, and the list is then empty', async () => {
    const user = await createEnrolledUser();
    const [laptop, phone] = await signInTwice(user);
    expect(await listLiveSessions(user.id)).toHaveLength(2);
    await revokeAllSessions(user.id);
    expect(await db.userSession.count({ where: { userId: user.id, endedAt: null } })).toBe(0);
    expect(await listLiveSessions(user.id)).toEqual([]);
    expect(await sessionIdOf(laptop)).toBeNull();
    expect(await sessionIdOf(phone)).toBeNull();
  });

  it("a password change ends every row but the one of the browser that changed it", async () => {
    const user = await createEnrolledUser();
    const [laptop, phone] = await signInTwice(user);
    const keep = (await sessionIdOf(laptop))!;
    const ended = (await sessionIdOf(phone))!;
    expect(await changePassword(user.id, 0, "$argon2id$changed", keep)).toBe(true);
    const rows = await db.userSession.findMany({ where: { userId: user.id } });
    expect(rows.find((row) => row.id === keep)?.endedAt).toBeNull();
    expect(rows.find((row) => row.id === ended)?.endedAt).not.toBeNull();
  });

  it("a password reset ends every row", async () => {
    const user = await createEnrolledUser();
    await db.user.update({ where: { id: user.id }, data: { emailVerifiedAt: new Date() } });
    await signInTwice(user);
    const link = await issueResetLink(user.id, freshIp());
    if (!link.ok) throw new Error(link.reason);
    const marked = await markResetFactorVerified(link.token);
    if (!marked.ok) throw new Error(marked.reason);
    expect(
      (await completeReset(link.token, marked.browserSecret, "$argon2id$reset", freshContext())).ok,
    ).toBe(true);
    expect(await db.userSession.count({ where: { userId: user.id, endedAt: null } })).toBe(0);
  });

  it("endUserSessions leaves `except` alone and answers how many it ended", async () => {
    const user = await createEnrolledUser();
    const [a, b, c] = [
      await recordSession(user.id, freshContext()),
      await recordSession(user.id, freshContext()),
      await recordSession(user.id, freshContext()),
    ];
    expect(await endUserSessions(user.id, { except: a.sessionId })).toBe(2);
    expect((await listLiveSessions(user.id)).map((row) => row.id)).toEqual([a.sessionId]);
    expect([b, c]).toHaveLength(2);
  });
});

describe("listLiveSessions", () => {
  it("lists only sessions neither ended nor expired, the most recently seen first", async () => {
    const user = await createEnrolledUser();
    const old = await recordSession(user.id, freshContext(), new Date(Date.now() - 60_000));
    const recent = await recordSession(user.id, freshContext());
    const ended = await recordSession(user.id, freshContext());
    const expired = await recordSession(user.id, freshContext(), new Date(Date.now() - 13 * 3600_000));
    await endSessionOf(user.id, ended.sessionId);
    const listed = (await listLiveSessions(user.id)).map((row) => row.id);
    expect(listed).toEqual([recent.sessionId, old.sessionId]);
    expect(listed).not.toContain(expired.sessionId);
  });
});
