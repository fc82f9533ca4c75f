import "server-only";
import type { User } from "@prisma/client";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import {
  isCompleteSession,
  SESSION_MAX_AGE_SECONDS,
  sessionFromToken,
  type SessionClaims,
} from "@/lib/auth/session-claims";
import { decodeSessionCookie, sessionCookieName } from "@/lib/auth/session-cookie";
import { db } from "../platform/db";
import { env } from "../platform/env";
import { orUnavailablePage } from "../platform/unavailable";

export type CurrentSession = { user: User; sessionId: string; authenticatedAt: number };

// The session cookie's claims, decrypted once and never re-issued here
// (lib/auth/session-cookie.ts says why not next-auth's auth()).
async function sessionClaims(): Promise<SessionClaims | null> {
  const value = (await cookies()).get(sessionCookieName())?.value;
  const token = await decodeSessionCookie(value, { secret: env.AUTH_SECRET });
  return token ? sessionFromToken(token) : null;
}

// The signed-in user, checked against the database once per request: the
// session must have passed both factors and carry the user's current session
// version (which "sign out everywhere" bumps), and must not have been ended
// by "Sign out".
export const getCurrentSession = cache(async (): Promise<CurrentSession | null> => {
  const session = await sessionClaims();
  if (!isCompleteSession(session) || !session?.user.id) return null;
  // One query: every Prisma call pays for compiling its query plan.
  const found = await db.user.findUnique({
    where: { id: session.user.id },
    include: { endedSessions: { where: { sessionId: session.sessionId }, select: { sessionId: true } } },
  });
  if (!found) return null;
  const { endedSessions, ...user } = found;
  if (endedSessions.length > 0 || !user.twoFactorMethod || user.sessionVersion !== session.sessionVersion)
    return null;
  return { user, sessionId: session.sessionId, authenticatedAt: session.authenticatedAt };
});

// "Sign out": the session cookie is deleted, and the session is recorded as
// ended so that a copy of the cookie is refused too. The record is kept until
// the session could no longer be valid (SESSION_MAX_AGE_SECONDS after its
// sign-in); expired records are cleared on the way.
export async function endSession(current: CurrentSession): Promise<void> {
  const expiresAt = new Date((current.authenticatedAt + SESSION_MAX_AGE_SECONDS + 60) * 1000);
  await db.$transaction([
    db.endedSession.deleteMany({ where: { expiresAt: { lt: new Date() } } }),
    db.endedSession.upsert({
      where: { sessionId: current.sessionId },
      create: { sessionId: current.sessionId, userId: current.user.id, expiresAt },
      update: {},
    }),
  ]);
}

// For pages: while the database is unreachable they answer 503 instead.
export async function requireSession(returnTo: string): Promise<CurrentSession> {
  const current = await orUnavailablePage(getCurrentSession(), returnTo);
  if (!current) redirect(`/login?callbackUrl=${encodeURIComponent(returnTo)}`);
  return current;
}
