import "server-only";
import { randomBytes } from "node:crypto";
import type { User } from "@prisma/client";
import { cookies } from "next/headers";
import { COOKIE_ATTRIBUTES, hostCookieName } from "@/lib/auth/cookie-attributes";
import {
  claimCodeEmail,
  createAccountCode,
  normalizeAccountCode,
  type CodeCheck,
  type Limited,
} from "../accounts/account-codes";
import { db } from "../platform/db";
import { keyedHash } from "../platform/keyed-hash";
import { claimWindowTry } from "../platform/rate-limit";
import type { RequestContext } from "../platform/request-context";
import { sendRegistrationAttemptEmail } from "../mail/senders";
import {
  ACCOUNT_CODE_LIMITS,
  ACCOUNT_CODES,
  accountCodeKeys,
  LIFETIMES,
  REGISTRATION_ATTEMPT_NOTICES,
  registrationKeys,
} from "../policy";
import {
  challengeCookieName,
  createChallenge,
  currentChallengeToken,
  getPendingChallenge,
} from "./challenge";

// The "check your inbox" step between /register and /setup-2fa (DESIGN.md §4
// "Email verification"), and what binds it to this browser.
//
// Registration must not tell whether an address has an account, so a taken
// address gets the same step as a new one, down to the cookies: the browser
// gets a challenge cookie holding 32 random bytes, exactly like the enrolment
// cookie a new account gets, but its token matches no challenge (it is never
// stored), and the same address cookie. Its only trace is a decoy row in the
// RateLimit table, keyed by the token's keyed hash, that keeps the tries and
// the issue time a real code would have: every code typed is "wrong" with the
// tries counting down, the 5th says "voided", after 15 minutes "expired", and
// "Send a new code" obeys the same limits (10 per IP per hour, 3 per 15
// minutes) and starts a new decoy code. Nothing an attacker's browser can see
// (status, page, redirects, Set-Cookie names and shapes, messages) differs;
// only the owner of the address, who receives the attempt notice and no code,
// can tell. The one way out of the decoy is to leave: /setup-2fa sends it back
// here, as it does an unverified account.

export type RegistrationStep =
  { kind: "account"; userId: string; email: string } | { kind: "decoy"; key: string; email: string };

const addressCookieName = (): string => hostCookieName("registration");
const addressSignature = (email: string): string => keyedHash("registration-address", email);
const decoyKey = (token: string): string => `decoy-code:${keyedHash("registration-decoy", token)}`;
const decoySendKey = (key: string): string => `decoy-code-send:${key.slice("decoy-code:".length)}`;

const stepExpiry = (now: Date): Date => new Date(now.getTime() + LIFETIMES.challengeMs.enrol);

// The address this browser typed, signed so that the page names no address it
// was not given.
async function setAddressCookie(email: string, expires: Date): Promise<void> {
  const value = `${Buffer.from(email).toString("base64url")}.${addressSignature(email)}`;
  (await cookies()).set(addressCookieName(), value, { ...COOKIE_ATTRIBUTES, expires });
}

async function addressFromCookie(): Promise<string | null> {
  const value = (await cookies()).get(addressCookieName())?.value;
  const [encoded, signature] = value?.split(".") ?? [];
  if (!encoded || !signature) return null;
  const email = Buffer.from(encoded, "base64url").toString("utf8");
  return addressSignature(email) === signature ? email : null;
}

// A new, unverified account: its first code (the per-IP send was claimed
// before the account was made; its account's is claimed here), the
// enrolment challenge that binds this browser, and the address cookie.
export async function startAccountStep(
  userId: string,
  email: string,
  context: RequestContext,
  now = new Date(),
): Promise<{ code: string; link: string }> {
  await claimWindowTry(accountCodeKeys.sendsPerAccount(userId), ACCOUNT_CODE_LIMITS.sendsPerAccount, now);
  const { code, link } = await createAccountCode(userId, email, "verify_email", now);
  await createChallenge(userId, "enrol", context);
  await setAddressCookie(email, stepExpiry(now));
  return { code, link };
}

// A taken address: the same writes in kind (a send claimed, a code row), the
// same cookies, no account.
export async function startDecoyStep(email: string, now = new Date()): Promise<void> {
  const token = randomBytes(32).toString("base64url");
  const key = decoyKey(token);
  await claimWindowTry(decoySendKey(key), ACCOUNT_CODE_LIMITS.sendsPerAccount, now);
  await newDecoyCode(key, now);
  const expires = stepExpiry(now);
  (await cookies()).set(challengeCookieName(), token, { ...COOKIE_ATTRIBUTES, expires });
  await setAddressCookie(email, expires);
}

function newDecoyCode(key: string, now: Date) {
  return db.rateLimit.upsert({
    where: { key },
    create: { key, count: 0, windowStart: now },
    update: { count: 0, windowStart: now },
  });
}

// This browser's registration step: an unverified, factorless account's
// enrolment, or a decoy; null otherwise.
export async function getRegistrationStep(): Promise<RegistrationStep | null> {
  const challenge = await getPendingChallenge("enrol");
  if (challenge) {
    const user = await db.user.findUnique({
      where: { id: challenge.userId },
      select: { email: true, emailVerifiedAt: true, twoFactorMethod: true },
    });
    if (!user || user.emailVerifiedAt || user.twoFactorMethod) return null;
    return { kind: "account", userId: challenge.userId, email: user.email };
  }
  const token = await currentChallengeToken();
  if (!token) return null;
  const key = decoyKey(token);
  const [email, row] = await Promise.all([addressFromCookie(), db.rateLimit.findUnique({ where: { key } })]);
  return email && row ? { kind: "decoy", key, email } : null;
}

const CODE_FORMAT = new RegExp(`^[${ACCOUNT_CODES.codeAlphabet}]{${ACCOUNT_CODES.codeLength}}$`);

// What checkAccountCode answers for a code that is never right.
export async function checkDecoyCode(
  key: string,
  input: string,
  now = new Date(),
): Promise<Exclude<CodeCheck, { ok: true }>> {
  const { maxTries } = ACCOUNT_CODES;
  const row = await db.rateLimit.findUnique({ where: { key } });
  if (!row) return { ok: false, reason: "none" };
  if (row.count >= maxTries) return { ok: false, reason: "voided" };
  if (row.windowStart.getTime() + ACCOUNT_CODES.lifetimeMs.verify_email <= now.getTime()) {
    return { ok: false, reason: "expired" };
  }
  if (!CODE_FORMAT.test(normalizeAccountCode(input))) {
    return { ok: false, reason: "wrong", triesLeft: maxTries - row.count };
  }
  const claimed = await db.rateLimit.updateMany({
    where: { key, count: { lt: maxTries } },
    data: { count: { increment: 1 } },
  });
  if (claimed.count !== 1) return { ok: false, reason: "voided" };
  const after = await db.rateLimit.findUniqueOrThrow({ where: { key } });
  return after.count < maxTries
    ? { ok: false, reason: "wrong", triesLeft: maxTries - after.count }
    : { ok: false, reason: "voided" };
}

// "Send a new code" on a decoy: the IP's limit, then the decoy's own
// "account" limit, as issueVerificationCode claims them; then a new decoy code.
export async function resendDecoyCode(
  key: string,
  ip: string,
  now = new Date(),
): Promise<{ ok: true } | Limited> {
  const byIp = await claimCodeEmail(null, ip, now);
  if (!byIp.ok) return byIp;
  const byAccount = await claimWindowTry(decoySendKey(key), ACCOUNT_CODE_LIMITS.sendsPerAccount, now);
  if (!byAccount.ok) {
    return { ok: false, reason: "limited", scope: "account", retryAfterSeconds: byAccount.retryAfterSeconds };
  }
  await newDecoyCode(key, now);
  return { ok: true };
}

// The owner of a taken address is told, at most 3 times an hour; an account
// that never proved anything (unverified, no factor: DESIGN.md §4) is sent
// nothing but verification codes, so it is not.
export async function tellOwner(
  owner: Pick<User, "id" | "username" | "email" | "emailVerifiedAt" | "twoFactorMethod">,
  context: RequestContext,
): Promise<void> {
  if (!owner.emailVerifiedAt && !owner.twoFactorMethod) return;
  const notice = await claimWindowTry(
    registrationKeys.attemptNotices(owner.id),
    REGISTRATION_ATTEMPT_NOTICES,
  );
  if (notice.ok) await sendRegistrationAttemptEmail(owner, context);
}
