import "server-only";
import { randomInt, timingSafeEqual } from "node:crypto";
import { db } from "../platform/db";
import { keyedHash } from "../platform/keyed-hash";
import { claimWindowTry, type RateLimitVerdict } from "../platform/rate-limit";
import { EMAIL_CODE_MAX_TRIES, EMAIL_CODE_TTL_MINUTES, keys, LIMITS } from "../policy";

// README.md "Email" (emailed sign-in codes): 6 digits, stored hashed, single
// use, bound to its challenge; lifetime, tries and sends are in ../policy.ts.

const hashCode = (code: string): string => keyedHash("email-codes", code);

export function generateEmailCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, "0");
}

export type IssuedEmailCode = { ok: true; code: string } | Extract<RateLimitVerdict, { ok: false }>;

// A new code voids the challenge's earlier ones; the challenge's failure count
// is left alone, so asking for codes never buys more guesses.
export async function issueEmailCode(
  userId: string,
  challengeId: string,
  now = new Date(),
): Promise<IssuedEmailCode> {
  const limit = await claimWindowTry(keys.emailCodeSends(userId), LIMITS.emailCodeSendsPerAccount, now);
  if (!limit.ok) return limit;
  const code = generateEmailCode();
  await db.$transaction([
    db.emailCode.updateMany({
      where: { challengeId, consumedAt: null, voidedAt: null },
      data: { voidedAt: now },
    }),
    db.emailCode.create({
      data: {
        userId,
        challengeId,
        codeHash: hashCode(code),
        expiresAt: new Date(now.getTime() + EMAIL_CODE_TTL_MINUTES * 60_000),
      },
    }),
  ]);
  return { ok: true, code };
}

export async function voidEmailCodes(challengeId: string, now = new Date()): Promise<void> {
  await db.emailCode.updateMany({
    where: { challengeId, consumedAt: null, voidedAt: null },
    data: { voidedAt: now },
  });
}

export async function hasActiveEmailCode(challengeId: string, now = new Date()): Promise<boolean> {
  const count = await db.emailCode.count({
    where: { challengeId, consumedAt: null, voidedAt: null, expiresAt: { gt: now } },
  });
  return count > 0;
}

// Checks a code against the challenge's live code and uses it up. Each try is
// counted before the comparison and the use is one conditional update, so
// parallel requests get neither extra tries nor two successes.
export async function consumeEmailCode(
  challengeId: string,
  input: string,
  now = new Date(),
): Promise<boolean> {
  const live = await db.emailCode.findFirst({
    where: {
      challengeId,
      consumedAt: null,
      voidedAt: null,
      expiresAt: { gt: now },
      attempts: { lt: EMAIL_CODE_MAX_TRIES },
    },
    orderBy: { createdAt: "desc" },
  });
  if (!live || !/^\d{6}$/.test(input)) return false;
  const claimed = await db.emailCode.updateMany({
    where: { id: live.id, attempts: { lt: EMAIL_CODE_MAX_TRIES }, consumedAt: null, voidedAt: null },
    data: { attempts: { increment: 1 } },
  });
  if (claimed.count !== 1) return false;
  const matches = timingSafeEqual(Buffer.from(hashCode(input)), Buffer.from(live.codeHash));
  if (!matches) return false;
  const used = await db.emailCode.updateMany({
    where: { id: live.id, consumedAt: null, voidedAt: null, expiresAt: { gt: now } },
    data: { consumedAt: now },
  });
  return used.count === 1;
}
