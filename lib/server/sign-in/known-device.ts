import "server-only";
import { randomBytes, timingSafeEqual } from "node:crypto";
import { cookies } from "next/headers";
import { COOKIE_ATTRIBUTES, hostCookieName } from "@/lib/auth/cookie-attributes";
import { keyedHash } from "../platform/keyed-hash";
import { LIFETIMES, subjects } from "../policy";

// OWASP "device cookies": a browser that completed a sign-in to an account
// carries a signed cookie naming it. Its wrong passwords and codes count
// against that browser, not against the account, so an attacker elsewhere who
// keeps the account's limits spent (one guess per 15 minutes) cannot keep its
// owner out: no lockout an attacker could inflict (SECURITY.md "Threat
// model": credential stuffers). Its lifetime is ../policy.ts's.

const cookieName = (): string => hostCookieName("known-device");
const sign = (payload: string): string => keyedHash("known-device", payload);

export async function rememberDevice(userId: string): Promise<void> {
  const payload = `${userId}.${randomBytes(16).toString("base64url")}`;
  (await cookies()).set(cookieName(), `${payload}.${sign(payload)}`, {
    ...COOKIE_ATTRIBUTES,
    maxAge: LIFETIMES.knownDeviceSeconds,
  });
}

// Whose tries a rate limit counts for this account ("password:<subject>",
// "code:<subject>"): this browser's, when it carries a valid device cookie
// for the account; otherwise the account's.
export async function limitSubject(userId: string): Promise<string> {
  const value = (await cookies()).get(cookieName())?.value ?? "";
  const [owner, nonce, mac, ...rest] = value.split(".");
  if (rest.length === 0 && owner === userId && nonce && mac) {
    const expected = Buffer.from(sign(`${owner}.${nonce}`));
    const given = Buffer.from(mac);
    if (given.length === expected.length && timingSafeEqual(given, expected))
      return subjects.device(userId, nonce);
  }
  return subjects.account(userId);
}

// Whose tries the password limits count for a typed name: this browser's,
// when it carries a valid device cookie for the name's account; otherwise
// the name's own, the same for a name with an account and one without. Never
// the account's: an account has two names (username, email), and a delay
// they shared would show an attacker that they belong together. The name is
// stored keyed-hashed, as it may be a password typed into the wrong field.
export async function passwordLimitSubject(identifier: string, userId: string | null): Promise<string> {
  if (userId) {
    const subject = await limitSubject(userId);
    if (subjects.isDevice(subject)) return subject;
  }
  return nameLimitSubject(identifier);
}

// A typed name's own subject (the identifier as the login schema normalised it).
export function nameLimitSubject(identifier: string): string {
  return subjects.name(keyedHash("password-limit-name", identifier));
}
