// Edge-safe: the attributes every cookie of the app shares, computed once
// (middleware.ts, lib/auth/config.ts, lib/server/sign-in/).
import { appOrigin } from "./request-guards";

// SECURITY.md, ASVS 3.3.1: Secure and __Host-/__Secure- prefixed whenever the
// app is served over https (APP_URL). Not from X-Forwarded-Proto, which not
// every proxy sets.
export const SECURE_COOKIES: boolean = appOrigin().startsWith("https://");

// A cookie of the app's own (not next-auth's): __Host- prefixed over https,
// which also pins it to this host and path "/".
export function hostCookieName(name: string): string {
  return SECURE_COOKIES ? `__Host-${name}` : name;
}

// HttpOnly, SameSite=Lax, the whole site; Secure over https.
export const COOKIE_ATTRIBUTES = {
  httpOnly: true,
  sameSite: "lax",
  path: "/",
  secure: SECURE_COOKIES,
} as const;
