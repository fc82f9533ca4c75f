import "server-only";
import type { Prisma, PrismaClient } from "@prisma/client";
import {
  ACCOUNT_CODE_LIMITS,
  ACCOUNT_CODES,
  accountCodeKeys,
  FAILURE_DELAYS,
  keys,
  LIMITS,
  PASSKEY_SETUP_LIMITS,
  passkeySetupKeys,
  PRUNE,
  REGISTRATION_ATTEMPT_NOTICES,
  registrationKeys,
} from "../policy";
import { afterResponseOnly } from "./after-response";
import { db } from "./db";
import { env } from "./env";

// Bounded storage (issue 15, item 6): what an attacker can make the app
// write (challenges, codes, rate-limit rows, events, unfinished
// registrations) is deleted once it can no longer matter, a bounded batch at
// a time. Nothing still counting or still usable goes.

export type PruneTable =
  | "signInChallenges"
  | "passkeyChallenges"
  | "emailCodes"
  | "accountCodes"
  | "userSessions"
  | "accessTokens"
  | "rateLimits"
  | "securityEvents"
  | "unverifiedAccounts";
export type PruneCounts = Record<PruneTable, number>;

const DAY = 24 * 60 * 60_000;

// How long a RateLimit row may still count, by key prefix (the builders of
// ../policy.ts called with an empty subject give the prefix). A fixed window
// counts until windowStart + windowMs; a row is kept that long after both its
// window start and its last update.
const WINDOW_RULES: readonly { prefix: string; keepMs: number }[] = [
  { prefix: keys.passwordPerIp(""), keepMs: LIMITS.passwordPerIp.windowMs },
  // "password-steps:ip:..." and "password-steps:<subject>".
  {
    prefix: keys.passwordSteps(""),
    keepMs: Math.max(LIMITS.passwordStepsPerIp.windowMs, LIMITS.passwordStepsPerName.windowMs),
  },
  { prefix: keys.codes(""), keepMs: LIMITS.codesPerAccount.windowMs },
  { prefix: keys.partialSignIn(""), keepMs: LIMITS.partialSignInNotice.windowMs },
  { prefix: keys.registrations(""), keepMs: LIMITS.registrationsPerIp.windowMs },
  { prefix: keys.emailCodeSends(""), keepMs: LIMITS.emailCodeSendsPerAccount.windowMs },
  { prefix: keys.api("", "").split(":")[0] + ":", keepMs: LIMITS.apiPerIp.windowMs },
  { prefix: keys.tokenIssues(""), keepMs: LIMITS.tokenIssuesPerAccount.windowMs },
  { prefix: keys.tokenEmails(""), keepMs: LIMITS.tokenEmailsPerAccount.windowMs },
  { prefix: accountCodeKeys.sendsPerAccount(""), keepMs: ACCOUNT_CODE_LIMITS.sendsPerAccount.windowMs },
  { prefix: accountCodeKeys.sendsPerIp(""), keepMs: ACCOUNT_CODE_LIMITS.sendsPerIp.windowMs },
  { prefix: registrationKeys.attemptNotices(""), keepMs: REGISTRATION_ATTEMPT_NOTICES.windowMs },
  { prefix: passkeySetupKeys.begins(""), keepMs: PASSKEY_SETUP_LIMITS.beginsPerAccount.windowMs },
];

// Every other key: the growing delays of "password:<subject>" (a run of
// failures is forgotten after FAILURE_DELAYS.quietResetMs without one), the
// registration decoys ("decoy-code:...", answered like an account code), and
// any bucket added later: the longest of all, so an unknown key is never cut short.
export const FALLBACK_KEEP_MS = Math.max(
  FAILURE_DELAYS.quietResetMs,
  ACCOUNT_CODES.lifetimeMs.verify_email + PRUNE.expiredCodeGraceMs,
  ...WINDOW_RULES.map((rule) => rule.keepMs),
);

export const rateLimitRules = (): readonly { prefix: string; keepMs: number }[] => WINDOW_RULES;

const ago = (now: Date, ms: number): Date => new Date(now.getTime() - ms);

function pastRateLimits(now: Date): Prisma.RateLimitWhereInput {
  const stale = (keepMs: number): Prisma.RateLimitWhereInput => ({
    windowStart: { lte: ago(now, keepMs) },
    updatedAt: { lte: ago(now, keepMs) },
    OR: [{ nextAllowedAt: null }, { nextAllowedAt: { lte: now } }],
  });
  return {
    OR: [
      ...WINDOW_RULES.map((rule) => ({ AND: [{ key: { startsWith: rule.prefix } }, stale(rule.keepMs)] })),
      {
        AND: [
          ...WINDOW_RULES.map((rule) => ({ NOT: { key: { startsWith: rule.prefix } } })),
          stale(FALLBACK_KEEP_MS),
        ],
      },
    ],
  };
}

type Deleter = (client: PrismaClient, now: Date, limit: number) => Promise<number>;

// Selects at most `limit` ids, then deletes those that still match: a row
// renewed in between (a new window) stays.
function batch<W>(
  delegate: (client: PrismaClient) => {
    findMany(args: {
      where: W;
      select: Record<string, true>;
      take: number;
    }): Promise<Record<string, unknown>[]>;
    deleteMany(args: { where: W }): Promise<{ count: number }>;
  },
  id: string,
  where: (now: Date) => W,
): Deleter {
  return async (client, now, limit) => {
    const table = delegate(client);
    const condition = where(now);
    const rows = await table.findMany({ where: condition, select: { [id]: true }, take: limit });
    if (rows.length === 0) return 0;
    const ids = rows.map((row) => row[id]);
    const { count } = await table.deleteMany({ where: { AND: [condition, { [id]: { in: ids } }] } as W });
    return count;
  };
}

// Order matters only for the counts: a challenge's codes go with it (cascade).
const DELETERS: Record<PruneTable, Deleter> = {
  signInChallenges: batch(
    (c) => c.signInChallenge,
    "id",
    (now) => ({ expiresAt: { lt: now } }),
  ),
  passkeyChallenges: batch(
    (c) => c.passkeyChallenge,
    "id",
    (now) => ({ expiresAt: { lt: now } }),
  ),
  emailCodes: batch(
    (c) => c.emailCode,
    "id",
    (now) => ({ expiresAt: { lt: now } }),
  ),
  accountCodes: batch(
    (c) => c.accountCode,
    "id",
    (now) => ({ expiresAt: { lt: ago(now, PRUNE.expiredCodeGraceMs) } }),
  ),
  // A session's row is needed until the session would have expired anyway
  // (its expiresAt, ended or not: the cookie's own claims refuse it by then);
  // an access token's until its own expiry (revoked or not).
  userSessions: batch(
    (c) => c.userSession,
    "id",
    (now) => ({ expiresAt: { lt: now } }),
  ),
  accessTokens: batch(
    (c) => c.accessToken,
    "jti",
    (now) => ({ expiresAt: { lt: now } }),
  ),
  rateLimits: batch((c) => c.rateLimit, "key", pastRateLimits),
  securityEvents: batch(
    (c) => c.securityEvent,
    "id",
    (now) => ({ createdAt: { lt: ago(now, env.SECURITY_EVENT_RETENTION_DAYS * DAY) } }),
  ),
  // A registration never finished: unverified, factorless, past its 24-hour
  // hold on the address (../accounts/address-hold.ts), with every row of it.
  unverifiedAccounts: batch(
    (c) => c.user,
    "id",
    (now) => ({
      emailVerifiedAt: null,
      twoFactorMethod: null,
      createdAt: { lte: ago(now, ACCOUNT_CODES.unverifiedHoldMs) },
    }),
  ),
};

// Deletes at most `limit` rows per table; the counts say how many went.
export async function pruneExpired(
  client: PrismaClient,
  now: Date,
  { limit }: { limit: number },
): Promise<PruneCounts> {
  const counts = {} as PruneCounts;
  for (const [table, deleter] of Object.entries(DELETERS) as [PruneTable, Deleter][]) {
    counts[table] = await deleter(client, now, limit);
  }
  return counts;
}

// Batch after batch until a batch finds less than `limit` in every table
// (`npm run admin -- prune`).
export async function pruneAll(
  client: PrismaClient,
  now: Date,
  limit: number = PRUNE.batch,
): Promise<PruneCounts> {
  const total = {} as PruneCounts;
  for (;;) {
    const counts = await pruneExpired(client, now, { limit });
    for (const [table, count] of Object.entries(counts) as [PruneTable, number][]) {
      total[table] = (total[table] ?? 0) + count;
    }
    if (Object.values(counts).every((count) => count < limit)) return total;
  }
}

let lastScheduledAt = Number.NEGATIVE_INFINITY;

// Called by every form action (../sign-in/action.ts): at most once per
// PRUNE.everyMs per instance a batch is pruned after the response. The hot
// path pays one comparison. True when one was scheduled.
export function schedulePrune(now = Date.now()): boolean {
  if (now - lastScheduledAt < PRUNE.everyMs) return false;
  const scheduled = afterResponseOnly(() => pruneExpired(db, new Date(), { limit: PRUNE.batch }));
  if (scheduled) lastScheduledAt = now;
  return scheduled;
}
