import "server-only";
import type { User, UserSession } from "@prisma/client";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { isCompleteSession, sessionFromToken, type SessionClaims } from "@/lib/auth/session-claims";
import { decodeSessionCookie, sessionCookieName } from "@/lib/auth/session-cookie";
import { userColumns, userFromRow, type UserRow } from "../accounts/user-row";
import { db } from "../platform/db";
import { directSqlite, parseOptionalSqliteDate, parseSqliteDate } from "../platform/sqlite-direct";
import { env } from "../platform/env";
import { orUnavailablePage } from "../platform/unavailable";
import { endSessionOf, isLiveSession, touchSession } from "./sessions";

export type CurrentSession = { user: User; sessionId: string; authenticatedAt: number };

// The session cookie's claims, decrypted once and never re-issued here
// (lib/auth/session-cookie.ts says why not next-auth's auth()).
async function sessionClaims(): Promise<SessionClaims | null> {
  const value = (await cookies()).get(sessionCookieName())?.value;
  const token = await decodeSessionCookie(value, { secret: env.AUTH_SECRET });
  return token ? sessionFromToken(token) : null;
}

// The signed-in user, checked against the database once per request: the
// session must have passed both factors, carry the user's current session
// version (which "sign out everywhere" bumps), and name a live session row
// (./sessions.ts): one that "Sign out", "Sign out everywhere", a password
// change or reset has not ended. A cookie from before the table has no row
// and is refused: its holder signs in again once.
export const getCurrentSession = cache(async (): Promise<CurrentSession | null> => {
  const session = await sessionClaims();
  if (!isCompleteSession(session) || !session?.user.id) return null;
  const found = await readSessionUser(session.user.id, session.sessionId);
  if (!found) return null;
  const { user, row } = found;
  if (!isLiveSession(row) || !user.twoFactorMethod || user.sessionVersion !== session.sessionVersion)
    return null;
  await touchSession(row);
  return { user, sessionId: session.sessionId, authenticatedAt: session.authenticatedAt };
});

type SessionRow = Pick<UserSession, "id" | "endedAt" | "expiresAt" | "lastSeenAt">;
type SessionUserRow = UserRow & {
  sessionEndedAt: string | null;
  sessionExpiresAt: string;
  sessionLastSeenAt: string;
};

// The user and the named session of theirs, in one read (on SQLite, one
// statement of the hot path: ../platform/sqlite-direct.ts).
async function readSessionUser(
  userId: string,
  sessionId: string,
): Promise<{ user: User; row: SessionRow } | null> {
  const sqlite = directSqlite();
  if (sqlite) {
    const found = await sqlite.read((sql) =>
      sql.get<SessionUserRow>(
        `SELECT ${userColumns("u")}, s."endedAt" AS "sessionEndedAt", s."expiresAt" AS "sessionExpiresAt",
          s."lastSeenAt" AS "sessionLastSeenAt"
        FROM "User" u JOIN "UserSession" s ON s."userId" = u."id" WHERE u."id" = ? AND s."id" = ?`,
        userId,
        sessionId,
      ),
    );
    if (!found) return null;
    const row = {
      id: sessionId,
      endedAt: parseOptionalSqliteDate(found.sessionEndedAt),
      expiresAt: parseSqliteDate(found.sessionExpiresAt),
      lastSeenAt: parseSqliteDate(found.sessionLastSeenAt),
    };
    return { user: userFromRow(found), row };
  }
  const found = await db.user.findUnique({
    where: { id: userId },
    include: { sessions: { where: { id: sessionId }, take: 1 } },
  });
  const row = found?.sessions[0];
  if (!found || !row) return null;
  const { sessions: _sessions, ...user } = found;
  return { user, row };
}

// "Sign out": the session cookie is deleted (by the caller), and the
// session's row ended, so that a copy of the cookie is refused too.
export async function endSession(current: CurrentSession): Promise<void> {
  await endSessionOf(current.user.id, current.sessionId);
}

// For pages: while the database is unreachable they answer 503 instead.
export async function requireSession(returnTo: string): Promise<CurrentSession> {
  const current = await orUnavailablePage(getCurrentSession(), returnTo);
  if (!current) redirect(`/login?callbackUrl=${encodeURIComponent(returnTo)}`);
  return current;
}
