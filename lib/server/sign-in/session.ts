import "server-only";
import type { User } from "@prisma/client";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { isCompleteSession, sessionFromToken, type SessionClaims } from "@/lib/auth/session-claims";
import { decodeSessionCookie, sessionCookieName } from "@/lib/auth/session-cookie";
import { db } from "../platform/db";
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
  // One query: every Prisma call pays for compiling its query plan.
  const found = await db.user.findUnique({
    where: { id: session.user.id },
    include: { sessions: { where: { id: session.sessionId }, take: 1 } },
  });
  if (!found) return null;
  const { sessions, ...user } = found;
  const row = sessions[0];
  if (!row || !isLiveSession(row) || !user.twoFactorMethod || user.sessionVersion !== session.sessionVersion)
    return null;
  await touchSession(row);
  return { user, sessionId: session.sessionId, authenticatedAt: session.authenticatedAt };
});

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
