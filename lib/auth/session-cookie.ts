// Edge-safe: the session cookie's name and attributes, reading and renewing
// it (middleware.ts, lib/server/sign-in/). What it holds: ./session-claims.ts.
import { decode, encode, type JWT } from "next-auth/jwt";
import { COOKIE_ATTRIBUTES, SECURE_COOKIES } from "./cookie-attributes";
import { SESSION_MAX_AGE_SECONDS } from "./session-claims";

// next-auth's auth() decrypts the session cookie, then encrypts it again and
// sets it on the response, on every request that reads it: it ignores
// session.updateAge for JWT sessions (nextauthjs/next-auth#13248). The app
// reads the cookie itself instead (one decryption where the session is
// needed) and renews it in middleware once it is this old, so an unused
// session still ends within SESSION_MAX_AGE_SECONDS.
export const SESSION_RENEW_AFTER_SECONDS = 15 * 60;

// next-auth's name for it, Secure and __Secure- prefixed over https
// (lib/auth/config.ts gives next-auth the same flag). Takes the flag so that
// tests can make the other name.
export function sessionCookieName(secure = SECURE_COOKIES): string {
  return `${secure ? "__Secure-" : ""}authjs.session-token`;
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
  {
    secret,
    secure = SECURE_COOKIES,
    now = Date.now(),
  }: { secret: string | undefined; secure?: boolean; now?: number },
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
  { secret, secure = SECURE_COOKIES, now = Date.now() }: { secret: string; secure?: boolean; now?: number },
): Promise<string | null> {
  if (typeof token.iat === "number" && now / 1000 - token.iat < SESSION_RENEW_AFTER_SECONDS) return null;
  const { iat: _iat, exp: _exp, jti: _jti, ...claims } = token;
  return encode({ token: claims, secret, salt: sessionCookieName(secure), maxAge: SESSION_MAX_AGE_SECONDS });
}

// The options next-auth gives the session cookie.
export function sessionCookieOptions(now = Date.now()) {
  return { ...COOKIE_ATTRIBUTES, expires: new Date(now + SESSION_MAX_AGE_SECONDS * 1000) };
}
