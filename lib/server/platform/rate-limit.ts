import "server-only";
import { Prisma } from "@prisma/client";
import { db } from "./db";

export type RateLimitVerdict = { ok: true } | { ok: false; retryAfterSeconds: number };

export const LIMITS = {
  // README.md "Security rules": at most 20 failed passwords per IP per 15 minutes.
  passwordPerIp: { max: 20, windowMs: 15 * 60_000 },
  // Password steps whatever their outcome, so that right passwords cannot
  // flood the hasher either; a person signs in a few times a minute at most.
  // Per typed name (or known browser), never per account: an account has two
  // names, and a limit they shared would tell that they belong together.
  passwordStepsPerName: { max: 10, windowMs: 60_000 },
  passwordStepsPerIp: { max: 30, windowMs: 60_000 },
  // README.md "Security rules": at most 10 wrong second-factor codes per
  // account per 15 minutes.
  codesPerAccount: { max: 10, windowMs: 15 * 60_000 },
  registrationsPerIp: { max: 10, windowMs: 60 * 60_000 },
  // ASVS 6.3.5: wrong codes after a right password, counted per account
  // across sign-ins; the owner is emailed when they reach `max`, once a window.
  partialSignInNotice: { max: 5, windowMs: 24 * 60 * 60_000 },
} as const;

// README.md "Security rules": after 5 consecutive failures, each further try
// waits a delay that doubles from 30 seconds up to 15 minutes. No permanent
// lockout (SECURITY.md "Threat model": credential stuffers).
const FREE_FAILURES = 5;
const FIRST_DELAY_MS = 30_000;
const MAX_DELAY_MS = 15 * 60_000;
// A run of failures older than this is forgotten.
const QUIET_RESET_MS = 24 * 60 * 60_000;
// Compare-and-set retries when parallel requests update the same row.
const CAS_TRIES = 5;

export function delayAfterFailures(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(FIRST_DELAY_MS * 2 ** (failures - FREE_FAILURES), MAX_DELAY_MS);
}

const seconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

async function createRow(key: string, data: { count: number; now: Date; nextAllowedAt: Date | null }) {
  try {
    await db.rateLimit.create({
      data: { key, count: data.count, windowStart: data.now, nextAllowedAt: data.nextAllowedAt },
    });
    return true;
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return false;
    throw error;
  }
}

// Counts one try in a fixed window and says whether it is allowed. The try is
// counted before the work it guards, so parallel requests cannot all slip in.
// The common case is one atomic increment, so a busy key (one IP) never makes
// parallel requests fail each other; only a new or expired window needs a
// compare-and-set.
export async function claimWindowTry(
  key: string,
  limit: { max: number; windowMs: number },
  now = new Date(),
): Promise<RateLimitVerdict> {
  const windowOpenSince = new Date(now.getTime() - limit.windowMs);
  for (let attempt = 0; attempt < CAS_TRIES; attempt++) {
    const { count: counted } = await db.rateLimit.updateMany({
      where: { key, windowStart: { gt: windowOpenSince }, count: { lt: limit.max } },
      data: { count: { increment: 1 } },
    });
    if (counted === 1) return { ok: true };
    const row = await db.rateLimit.findUnique({ where: { key } });
    if (!row) {
      if (await createRow(key, { count: 1, now, nextAllowedAt: null })) return { ok: true };
      continue;
    }
    if (row.windowStart > windowOpenSince) {
      if (row.count < limit.max) continue;
      const retryAfterMs = row.windowStart.getTime() + limit.windowMs - now.getTime();
      return { ok: false, retryAfterSeconds: seconds(retryAfterMs) };
    }
    const { count: reset } = await db.rateLimit.updateMany({
      where: { key, windowStart: row.windowStart },
      data: { count: 1, windowStart: now },
    });
    if (reset === 1) return { ok: true };
  }
  return { ok: false, retryAfterSeconds: 1 };
}

// Counts one event in a fixed window, whatever the count; true for the one
// call that finds the window at `limit.max` or more and claims its notice
// (nextAllowedAt then holds the end of the window: no notice before it).
export async function countTowardNotice(
  key: string,
  limit: { max: number; windowMs: number },
  now = new Date(),
): Promise<boolean> {
  const windowOpenSince = new Date(now.getTime() - limit.windowMs);
  for (let attempt = 0; attempt < CAS_TRIES; attempt++) {
    const { count: counted } = await db.rateLimit.updateMany({
      where: { key, windowStart: { gt: windowOpenSince } },
      data: { count: { increment: 1 } },
    });
    if (counted === 1) break;
    const row = await db.rateLimit.findUnique({ where: { key } });
    if (!row) {
      if (await createRow(key, { count: 1, now, nextAllowedAt: null })) break;
      continue;
    }
    if (row.windowStart > windowOpenSince) continue;
    const { count: reset } = await db.rateLimit.updateMany({
      where: { key, windowStart: row.windowStart },
      data: { count: 1, windowStart: now, nextAllowedAt: null },
    });
    if (reset === 1) break;
  }
  const row = await db.rateLimit.findUnique({ where: { key } });
  if (!row || row.count < limit.max || row.nextAllowedAt || row.windowStart <= windowOpenSince) return false;
  const { count: claimed } = await db.rateLimit.updateMany({
    where: { key, windowStart: row.windowStart, nextAllowedAt: null, count: { gte: limit.max } },
    data: { nextAllowedAt: new Date(row.windowStart.getTime() + limit.windowMs) },
  });
  return claimed === 1;
}

// Counts one try against growing delays (consecutive failures of an account).
export async function claimDelayedTry(key: string, now = new Date()): Promise<RateLimitVerdict> {
  for (let attempt = 0; attempt < CAS_TRIES; attempt++) {
    const row = await db.rateLimit.findUnique({ where: { key } });
    if (!row) {
      const nextAllowedAt = new Date(now.getTime() + delayAfterFailures(1));
      if (await createRow(key, { count: 1, now, nextAllowedAt })) return { ok: true };
      continue;
    }
    if (row.nextAllowedAt && row.nextAllowedAt > now) {
      return { ok: false, retryAfterSeconds: seconds(row.nextAllowedAt.getTime() - now.getTime()) };
    }
    const quiet = row.updatedAt.getTime() + QUIET_RESET_MS <= now.getTime();
    const failures = quiet ? 1 : row.count + 1;
    const { count } = await db.rateLimit.updateMany({
      where: { key, count: row.count },
      data: { count: failures, nextAllowedAt: new Date(now.getTime() + delayAfterFailures(failures)) },
    });
    if (count === 1) return { ok: true };
  }
  return { ok: false, retryAfterSeconds: 1 };
}

// A success forgets the account's failures. Like releaseWindowTry, it runs
// when awaited, or inside the caller's transaction (`db.$transaction([...])`).
export function resetTries(key: string): Prisma.PrismaPromise<Prisma.BatchPayload> {
  return db.rateLimit.deleteMany({ where: { key } });
}

// A success in a window of failures gives its counted try back.
export function releaseWindowTry(key: string): Prisma.PrismaPromise<Prisma.BatchPayload> {
  return db.rateLimit.updateMany({ where: { key, count: { gt: 0 } }, data: { count: { decrement: 1 } } });
}

export function retryMessage(retryAfterSeconds: number): string {
  const wait =
    retryAfterSeconds < 60
      ? `${retryAfterSeconds} second${retryAfterSeconds === 1 ? "" : "s"}`
      : `${Math.ceil(retryAfterSeconds / 60)} minute${Math.ceil(retryAfterSeconds / 60) === 1 ? "" : "s"}`;
  return `Too many attempts. Try again in ${wait}.`;
}
