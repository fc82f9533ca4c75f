// Edge-safe: what a session says and when it counts, in one place. The
// claims are written once at sign-in (lib/auth/config.ts's jwt callback),
// carried encrypted in the session cookie (./session-cookie.ts), and read by
// sessionFromToken, for next-auth's Session, the middleware and
// lib/server/sign-in/session.ts alike.
import type { Session, User } from "next-auth";
import type { JWT } from "next-auth/jwt";

// A session ends after this long without use, and at the latest this long
// after its sign-in (the cookie is renewed on use, the sign-in time is not).
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

declare module "next-auth" {
  interface Session {
    // The user's session version when the session was issued; the server
    // compares it with the database, so "sign out everywhere" ends it.
    sessionVersion: number;
    // Set only when both factors were checked.
    twoFactorComplete: boolean;
    // Names this session, so that "Sign out" can end it on the server.
    sessionId: string;
    // Sign-in time, seconds since the epoch.
    authenticatedAt: number;
  }
  interface User {
    sessionVersion?: number;
    // The session's row, recorded by root auth.ts's authorize().
    sessionId?: string;
  }
}

declare module "@auth/core/jwt" {
  interface JWT {
    sv?: number;
    mfa?: boolean;
    sid?: string;
    at?: number;
  }
}

// The claims the app relies on, in the shape of next-auth's Session.
export type SessionClaims = { user: { id: string } } & Pick<
  Session,
  "sessionVersion" | "twoFactorComplete" | "sessionId" | "authenticatedAt"
>;

// The claims of a new session, for a user whose second factor was just
// verified (root auth.ts's authorize() returns no user before that). `sid`
// names the session row authorize() recorded; without one the session is
// not complete (isCompleteSession), so no session exists that the server
// could not list or end.
export function signInClaims(user: User, now = Date.now()): Pick<JWT, "sub" | "sv" | "mfa" | "sid" | "at"> {
  return {
    sub: user.id,
    sv: user.sessionVersion ?? 0,
    mfa: true,
    sid: user.sessionId ?? "",
    at: Math.floor(now / 1000),
  };
}

// The one reading of a session token's claims; null without a user.
export function sessionFromToken(token: JWT): SessionClaims | null {
  if (!token.sub) return null;
  return {
    user: { id: token.sub },
    sessionVersion: token.sv ?? -1,
    twoFactorComplete: token.mfa === true,
    sessionId: token.sid ?? "",
    authenticatedAt: token.at ?? 0,
  };
}

// Both factors passed, the session named, and within its absolute lifetime.
// Takes partial claims: whatever is missing counts against the session.
export function isCompleteSession(session: Partial<SessionClaims> | null, now = Date.now()): boolean {
  if (!session?.user || session.twoFactorComplete !== true || !session.sessionId) return false;
  const age = now / 1000 - (session.authenticatedAt ?? 0);
  // A minute of clock difference between instances is tolerated.
  return age > -60 && age < SESSION_MAX_AGE_SECONDS;
}
