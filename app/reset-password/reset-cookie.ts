import "server-only";
import { cookies } from "next/headers";
import { COOKIE_ATTRIBUTES, SECURE_COOKIES } from "@/lib/auth/cookie-attributes";
import { RESET_PAGES } from "@/lib/server/policy";

// The browser secret of a reset whose second factor was proven here
// (markResetFactorVerified): completeReset wants it back, so the password is
// chosen in the browser that proved the factor. HttpOnly, SameSite=Lax, sent
// only to /reset-password, and short-lived. A cookie with a path cannot be
// __Host- prefixed; over https it is __Secure-.
const PATH = "/reset-password";
const NAME = SECURE_COOKIES ? "__Secure-password-reset" : "password-reset";

export async function keepResetSecret(secret: string, linkExpiresAt: Date): Promise<void> {
  const expires = new Date(Math.min(Date.now() + RESET_PAGES.browserCookieMs, linkExpiresAt.getTime()));
  (await cookies()).set(NAME, secret, { ...COOKIE_ATTRIBUTES, path: PATH, expires });
}

export async function readResetSecret(): Promise<string | null> {
  return (await cookies()).get(NAME)?.value ?? null;
}

export async function forgetResetSecret(): Promise<void> {
  (await cookies()).set(NAME, "", { ...COOKIE_ATTRIBUTES, path: PATH, maxAge: 0 });
}
