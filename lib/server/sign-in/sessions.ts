import "server-only";
import { randomUUID } from "node:crypto";
import type { Prisma, UserSession } from "@prisma/client";
import { SESSION_MAX_AGE_SECONDS } from "@/lib/auth/session-claims";
import { afterResponse } from "../platform/after-response";
import { db } from "../platform/db";
import type { RequestContext } from "../platform/request-context";
import { SESSIONS_AND_TOKENS } from "../policy";

// The UserSession table: one row per session issued, named by the session
// cookie's `sid` claim. A session is live while its row is neither ended nor
// past `expiresAt`; getCurrentSession (./session.ts) refuses every other.

type Client = Prisma.TransactionClient;

// At sign-in (root auth.ts's authorize, on the Node side): the row first, so
// that the cookie next-auth then issues names a session the server knows.
export async function recordSession(
  userId: string,
  context: RequestContext,
  now = new Date(),
): Promise<{ sessionId: string }> {
  const row = await db.userSession.create({
    data: {
      id: randomUUID(),
      userId,
      userAgent: context.userAgent.slice(0, 256),
      ip: context.ip,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000),
    },
  });
  return { sessionId: row.id };
}

export function isLiveSession(row: Pick<UserSession, "endedAt" | "expiresAt">, now = new Date()): boolean {
  return row.endedAt === null && row.expiresAt > now;
}

// lastSeenAt is written at most once a minute, after the response: only when
// the row just read is older, and by a conditional update, so that parallel
// requests write it once.
export async function touchSession(
  row: Pick<UserSession, "id" | "lastSeenAt">,
  now = new Date(),
): Promise<void> {
  const stale = new Date(now.getTime() - SESSIONS_AND_TOKENS.lastSeenIntervalMs);
  if (row.lastSeenAt > stale) return;
  await afterResponse(() =>
    db.userSession.updateMany({
      where: { id: row.id, lastSeenAt: { lte: stale } },
      data: { lastSeenAt: now },
    }),
  );
}

// "Sign out" of one session, this browser's or one listed in settings: the
// session it ended (for the event), or null if it was not live. `userId`
// keeps a user to their own rows.
export async function endSessionOf(
  userId: string,
  sessionId: string,
  now = new Date(),
): Promise<Pick<UserSession, "userAgent" | "ip"> | null> {
  const { count } = await db.userSession.updateMany({
    where: { id: sessionId, userId, endedAt: null, expiresAt: { gt: now } },
    data: { endedAt: now },
  });
  if (count !== 1) return null;
  return db.userSession.findUnique({ where: { id: sessionId }, select: { userAgent: true, ip: true } });
}

// "Sign out everywhere", a password change (all but `except`, the browser
// that changed it) and a reset. Inside a transaction, pass its client.
export async function endUserSessions(
  userId: string,
  options: { except?: string; client?: Client; now?: Date } = {},
): Promise<number> {
  const { except, client = db, now = new Date() } = options;
  const { count } = await client.userSession.updateMany({
    where: { userId, endedAt: null, ...(except ? { id: { not: except } } : {}) },
    data: { endedAt: now },
  });
  return count;
}

export type SessionView = Pick<UserSession, "id" | "userAgent" | "ip" | "createdAt" | "lastSeenAt">;

// The settings list: live sessions, the most recently seen first.
export async function listLiveSessions(userId: string, now = new Date()): Promise<SessionView[]> {
  return db.userSession.findMany({
    where: { userId, endedAt: null, expiresAt: { gt: now } },
    orderBy: [{ lastSeenAt: "desc" }, { createdAt: "desc" }],
    select: { id: true, userAgent: true, ip: true, createdAt: true, lastSeenAt: true },
  });
}
