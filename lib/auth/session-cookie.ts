// Edge-safe: imported by middleware.ts and lib/server/sign-in/session.ts.
import { decode, encode, type JWT } from "next-auth/jwt";
import { authConfig, SESSION_MAX_AGE_SECONDS } from "./config";

// next-auth's auth() decrypts the session cookie, then encrypts it again and
// sets it on the response, on every request that reads it: it ignores
// session.updateAge for JWT sessions (nextauthjs/next-auth#13248). The app
// reads the cookie itself instead (one decryption where the session is
// needed) and renews it in middleware once it is this old, so an unused
// session still ends within SESSION_MAX_AGE_SECONDS.
export const SESSION_RENEW_AFTER_SECONDS = 15 * 60;

// The claims the app relies on, in the shape of next-auth's Session
// (lib/auth/config.ts's session callback makes the same).
export type SessionClaims = {
  user: { id: string };
  sessionVersion: number;
  twoFactorComplete: boolean;
  sessionId: string;
  authenticatedAt: number;
};

// As lib/auth/config.ts tells next-auth: Secure and __Secure- prefixed
// whenever APP_URL is https.
export const SECURE_SESSION_COOKIE: boolean = authConfig.useSecureCookies;

export function sessionCookieName(secure: boolean): string {
  return `${secure ? "__Secure-" : ""}authjs.session-token`;
}

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

// Decrypting costs about half a millisecond (a key derivation and several
// WebCrypto calls), twice per protected page (middleware, then the page).
// A cookie value always decrypts to the same claims, so values decrypted
// lately are remembered, keyed by secret and name too; expiry is checked on
// every use. The database check of each page is not cached.
const RECENT_MAX = 1000;
const recent = new Map<string, JWT>();
// jose's clock tolerance in next-auth's decode.
const CLOCK_TOLERANCE_SECONDS = 15;

// The cookie's claims, or null when it is missing, tampered with, expired or
// encrypted under another secret or cookie name.
export async function decodeSessionCookie(
  value: string | undefined,
  { secret, secure, now = Date.now() }: { secret: string | undefined; secure: boolean; now?: number },
): Promise<JWT | null> {
  if (!value || !secret) return null;
  const salt = sessionCookieName(secure);
  const key = `${secret}\n${salt}\n${value}`;
  let token = recent.get(key);
  if (token) {
    recent.delete(key);
  } else {
    try {
      token = (await decode({ token: value, secret, salt })) ?? undefined;
    } catch {
      return null;
    }
    if (!token) return null;
  }
  if (typeof token.exp !== "number" || token.exp + CLOCK_TOLERANCE_SECONDS <= now / 1000) return null;
  recent.set(key, token);
  if (recent.size > RECENT_MAX) recent.delete(recent.keys().next().value as string);
  return token;
}

// A fresh cookie value with the same claims and a new expiry, or null while
// the current one is recent enough.
export async function renewedSessionCookie(
  token: JWT,
  { secret, secure, now = Date.now() }: { secret: string; secure: boolean; now?: number },
): Promise<string | null> {
  if (typeof token.iat === "number" && now / 1000 - token.iat < SESSION_RENEW_AFTER_SECONDS) return null;
  const { iat: _iat, exp: _exp, jti: _jti, ...claims } = token;
  return encode({ token: claims, secret, salt: sessionCookieName(secure), maxAge: SESSION_MAX_AGE_SECONDS });
}

// The options next-auth gives the session cookie.
export function sessionCookieOptions(secure: boolean, now = Date.now()) {
  return {
    httpOnly: true,
    sameSite: "lax" as const,
    path: "/",
    secure,
    expires: new Date(now + SESSION_MAX_AGE_SECONDS * 1000),
  };
}
