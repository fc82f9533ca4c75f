import "server-only";
import { Prisma } from "@prisma/client";
import { FAILURE_DELAYS, type WindowLimit } from "../policy";
import { db } from "./db";
import { directSqlite, sqliteDate, type SqliteRunner } from "./sqlite-direct";

export type RateLimitVerdict = { ok: true } | { ok: false; retryAfterSeconds: number };

// Compare-and-set retries when parallel requests update the same row.
const CAS_TRIES = 5;

// The delays are lib/server/policy.ts's FAILURE_DELAYS.
export function delayAfterFailures(failures: number): number {
  const { freeFailures, firstDelayMs, maxDelayMs } = FAILURE_DELAYS;
  if (failures < freeFailures) return 0;
  return Math.min(firstDelayMs * 2 ** (failures - freeFailures), maxDelayMs);
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
  limit: WindowLimit,
  now = new Date(),
): Promise<RateLimitVerdict> {
  return claimTries([{ key, limit }], now);
}

async function claimWindowTryWithPrisma(
  key: string,
  limit: WindowLimit,
  now: Date,
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
export async function countTowardNotice(key: string, limit: WindowLimit, now = new Date()): Promise<boolean> {
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
  return claimTries([{ key, delayed: true }], now);
}

async function claimDelayedTryWithPrisma(key: string, now: Date): Promise<RateLimitVerdict> {
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
    const quiet = row.updatedAt.getTime() + FAILURE_DELAYS.quietResetMs <= now.getTime();
    const failures = quiet ? 1 : row.count + 1;
    const { count } = await db.rateLimit.updateMany({
      where: { key, count: row.count },
      data: { count: failures, nextAllowedAt: new Date(now.getTime() + delayAfterFailures(failures)) },
    });
    if (count === 1) return { ok: true };
  }
  return { ok: false, retryAfterSeconds: 1 };
}

// One try of each limit, in order, up to the first that refuses (whose
// verdict is returned; the tries before it stay counted, as if claimed one by
// one). On SQLite they are one transaction, one commit (not waited for on
// the disk: a counter lost to a power cut costs nothing), and a password
// step claims four.
export type TryClaim = { key: string; limit: WindowLimit } | { key: string; delayed: true };

export async function claimTries(claims: readonly TryClaim[], now = new Date()): Promise<RateLimitVerdict> {
  const sqlite = directSqlite();
  if (sqlite) {
    return sqlite.transaction(
      (sql) => {
        for (const claim of claims) {
          const verdict =
            "delayed" in claim
              ? claimDelayedTryIn(sql, claim.key, now)
              : claimWindowTryIn(sql, claim.key, claim.limit, now);
          if (!verdict.ok) return verdict;
        }
        return { ok: true } as const;
      },
      { syncToDisk: false },
    );
  }
  for (const claim of claims) {
    const verdict =
      "delayed" in claim
        ? await claimDelayedTryWithPrisma(claim.key, now)
        : await claimWindowTryWithPrisma(claim.key, claim.limit, now);
    if (!verdict.ok) return verdict;
  }
  return { ok: true };
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

// What a success gives back, committed with the work it rewards: an
// account's failures forgotten (resetTries), a counted try returned
// (releaseWindowTry).
export type TryRefund = { reset: string } | { release: string };

export function refundTries(refunds: readonly TryRefund[]): Prisma.PrismaPromise<Prisma.BatchPayload>[] {
  return refunds.map((refund) =>
    "reset" in refund ? resetTries(refund.reset) : releaseWindowTry(refund.release),
  );
}

export function refundTriesIn(sql: SqliteRunner, refunds: readonly TryRefund[], now: Date): void {
  for (const refund of refunds) {
    if ("reset" in refund) resetTriesIn(sql, refund.reset);
    else releaseWindowTryIn(sql, refund.release, now);
  }
}

// How many tries a window limit has left, and when it reopens: what a wrong
// answer tells the person ("3 tries left", "try again in 12 minutes").
export async function windowTriesLeft(
  key: string,
  limit: WindowLimit,
  now = new Date(),
): Promise<{ left: number; retryAfterSeconds: number }> {
  const row = await db.rateLimit.findUnique({ where: { key } });
  const windowEnd = row ? row.windowStart.getTime() + limit.windowMs : 0;
  if (!row || windowEnd <= now.getTime()) return { left: limit.max, retryAfterSeconds: 0 };
  return { left: Math.max(0, limit.max - row.count), retryAfterSeconds: seconds(windowEnd - now.getTime()) };
}

// The claims on SQLite's hot path, run inside one
// sqliteTransaction: the write lock is held from the read to the write, so
// a plain read-then-write is atomic and needs none of the compare-and-set
// retries the Prisma versions make for PostgreSQL.

type Row = { count: number; windowStart: string; nextAllowedAt: string | null; updatedAt: string };

const READ = `SELECT "count", "windowStart", "nextAllowedAt", "updatedAt" FROM "RateLimit" WHERE "key" = ?`;
const INSERT = `INSERT INTO "RateLimit" ("key", "count", "windowStart", "nextAllowedAt", "updatedAt") VALUES (?, 1, ?, ?, ?)`;

function claimWindowTryIn(sql: SqliteRunner, key: string, limit: WindowLimit, now: Date): RateLimitVerdict {
  const at = sqliteDate(now);
  const row = sql.get<Row>(READ, key);
  if (!row) {
    sql.run(INSERT, key, at, null, at);
    return { ok: true };
  }
  const windowStart = Date.parse(row.windowStart);
  if (windowStart > now.getTime() - limit.windowMs) {
    if (row.count >= limit.max) {
      return { ok: false, retryAfterSeconds: seconds(windowStart + limit.windowMs - now.getTime()) };
    }
    sql.run(`UPDATE "RateLimit" SET "count" = "count" + 1, "updatedAt" = ? WHERE "key" = ?`, at, key);
    return { ok: true };
  }
  sql.run(
    `UPDATE "RateLimit" SET "count" = 1, "windowStart" = ?, "updatedAt" = ? WHERE "key" = ?`,
    at,
    at,
    key,
  );
  return { ok: true };
}

function claimDelayedTryIn(sql: SqliteRunner, key: string, now: Date): RateLimitVerdict {
  const at = sqliteDate(now);
  const row = sql.get<Row>(READ, key);
  if (!row) {
    sql.run(INSERT, key, at, sqliteDate(new Date(now.getTime() + delayAfterFailures(1))), at);
    return { ok: true };
  }
  const nextAllowedAt = row.nextAllowedAt === null ? null : Date.parse(row.nextAllowedAt);
  if (nextAllowedAt !== null && nextAllowedAt > now.getTime()) {
    return { ok: false, retryAfterSeconds: seconds(nextAllowedAt - now.getTime()) };
  }
  const quiet = Date.parse(row.updatedAt) + FAILURE_DELAYS.quietResetMs <= now.getTime();
  const failures = quiet ? 1 : row.count + 1;
  sql.run(
    `UPDATE "RateLimit" SET "count" = ?, "nextAllowedAt" = ?, "updatedAt" = ? WHERE "key" = ?`,
    failures,
    sqliteDate(new Date(now.getTime() + delayAfterFailures(failures))),
    at,
    key,
  );
  return { ok: true };
}

function resetTriesIn(sql: SqliteRunner, key: string): void {
  sql.run(`DELETE FROM "RateLimit" WHERE "key" = ?`, key);
}

function releaseWindowTryIn(sql: SqliteRunner, key: string, now: Date): void {
  sql.run(
    `UPDATE "RateLimit" SET "count" = "count" - 1, "updatedAt" = ? WHERE "key" = ? AND "count" > 0`,
    sqliteDate(now),
    key,
  );
}
