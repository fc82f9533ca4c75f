import "server-only";
import { createHash, randomBytes } from "node:crypto";
import type { Prisma } from "@prisma/client";
import { cookies } from "next/headers";
import { COOKIE_ATTRIBUTES, hostCookieName } from "@/lib/auth/cookie-attributes";
import { db } from "../platform/db";
import { encryptSecret } from "../platform/encryption";
import { refundTries, refundTriesIn, type TryRefund } from "../platform/rate-limit";
import { directSqlite, sqliteDate, type SqliteRunner } from "../platform/sqlite-direct";
import type { RequestContext } from "../platform/request-context";
import { generateTotpSecret } from "../factors/totp";
import { LIFETIMES, MAX_CHALLENGE_FAILURES, MAX_PENDING_CHALLENGES } from "../policy";

// "reauth": a signed-in user proving a second factor again before a change;
// it has no cookie, the session binds it.
export type ChallengePurpose = "signin" | "enrol" | "reauth";

// Lifetimes, MAX_CHALLENGE_FAILURES and MAX_PENDING_CHALLENGES: ../policy.ts.
const LIFETIME_MS: Record<ChallengePurpose, number> = LIFETIMES.challengeMs;

export const challengeCookieName = (): string => hostCookieName("2fa-challenge");

const hashToken = (token: string): string => createHash("sha256").update(token).digest("hex");

export type PendingChallenge = {
  id: string;
  userId: string;
  purpose: ChallengePurpose;
  failedAttempts: number;
  verified: boolean;
  expiresAt: Date;
};

// Starts a pending sign-in or enrolment, bound to this browser by an
// HttpOnly cookie holding a random token; only its hash is stored. The tries
// a success gives back (`refunds`) commit in the same transaction: one
// commit, one sync to disk. The same transaction removes the account's
// expired challenges of this purpose and all but the newest
// MAX_PENDING_CHALLENGES pending ones.
//
// An enrolment gets a TOTP secret of its own and voids the account's older
// enrolments: whoever passed the password step elsewhere, before or after,
// never holds the secret this browser confirms.
export async function createChallenge(
  userId: string,
  purpose: ChallengePurpose,
  context: RequestContext,
  refunds: readonly TryRefund[] = [],
): Promise<void> {
  const token = randomBytes(32).toString("base64url");
  const now = new Date();
  const expiresAt = new Date(now.getTime() + LIFETIME_MS[purpose]);
  const row = {
    tokenHash: hashToken(token),
    userId,
    purpose,
    expiresAt,
    ip: context.ip,
    userAgent: context.userAgent,
  };
  const sqlite = purpose === "enrol" ? null : directSqlite();
  // A pending sign-in lost to a power cut is a password typed again: its
  // commit is not waited for on the disk (../platform/sqlite-direct.ts).
  if (sqlite)
    await sqlite.transaction((sql) => insertSignInChallenge(sql, row, refunds, now), { syncToDisk: false });
  else await createChallengeWithPrisma(row, refunds, now);
  (await cookies()).set(challengeCookieName(), token, { ...COOKIE_ATTRIBUTES, expires: expiresAt });
}

type NewChallenge = {
  tokenHash: string;
  userId: string;
  purpose: ChallengePurpose;
  expiresAt: Date;
  ip: string;
  userAgent: string;
};

// A verified challenge is left alone: its session is being issued.
const TRIM_PENDING_SQLITE = `DELETE FROM "SignInChallenge"
  WHERE "userId" = ? AND "purpose" = ? AND "consumedAt" IS NULL AND "verifiedAt" IS NULL
    AND "id" NOT IN (
      SELECT "id" FROM "SignInChallenge"
      WHERE "userId" = ? AND "purpose" = ? AND "consumedAt" IS NULL AND "verifiedAt" IS NULL
      ORDER BY "createdAt" DESC, "id" DESC
      LIMIT ?
    )`;

async function createChallengeWithPrisma(
  row: NewChallenge,
  refunds: readonly TryRefund[],
  now: Date,
): Promise<void> {
  const { userId, purpose } = row;
  const enrol = purpose === "enrol";
  await db.$transaction([
    ...refundTries(refunds),
    // Locks the account's row first (PostgreSQL: until commit; SQLite locks
    // the file for any write), so that two instances creating challenges for
    // one account at once take turns and the count below sees both.
    db.$executeRaw`UPDATE "User" SET "sessionVersion" = "sessionVersion" WHERE "id" = ${userId}`,
    db.signInChallenge.deleteMany({ where: { userId, purpose, expiresAt: { lte: now } } }),
    ...(enrol ? [endEnrolments({ userId })] : []),
    db.signInChallenge.create({
      data: { ...row, enrolSecret: enrol ? encryptSecret(generateTotpSecret()) : null },
    }),
    // As TRIM_PENDING_SQLITE.
    db.$executeRaw`DELETE FROM "SignInChallenge"
      WHERE "userId" = ${userId} AND "purpose" = ${purpose}
        AND "consumedAt" IS NULL AND "verifiedAt" IS NULL
        AND "id" NOT IN (
          SELECT "id" FROM "SignInChallenge"
          WHERE "userId" = ${userId} AND "purpose" = ${purpose}
            AND "consumedAt" IS NULL AND "verifiedAt" IS NULL
          ORDER BY "createdAt" DESC, "id" DESC
          LIMIT ${MAX_PENDING_CHALLENGES}
        )`,
  ]);
}

// Ids that sort by creation within this process, as Prisma's cuids do, so
// that the trim above keeps the newest of challenges made in one millisecond.
let lastIdTime = 0;
let idCounter = 0;
function orderedId(now: Date): string {
  const time = now.getTime();
  idCounter = time === lastIdTime ? idCounter + 1 : 0;
  lastIdTime = time;
  return `c${time.toString(36).padStart(9, "0")}${idCounter.toString(36).padStart(4, "0")}${randomBytes(8).toString("hex")}`;
}

// The same rows on SQLite's hot path (../platform/sqlite-direct.ts), inside
// its write transaction, which holds the file's write lock from the start.
function insertSignInChallenge(
  sql: SqliteRunner,
  row: NewChallenge,
  refunds: readonly TryRefund[],
  now: Date,
): void {
  refundTriesIn(sql, refunds, now);
  sql.run(
    `DELETE FROM "SignInChallenge" WHERE "userId" = ? AND "purpose" = ? AND "expiresAt" <= ?`,
    row.userId,
    row.purpose,
    sqliteDate(now),
  );
  sql.run(
    `INSERT INTO "SignInChallenge" ("id", "tokenHash", "userId", "purpose", "failedAttempts", "wrongCodes",
      "expiresAt", "ip", "userAgent", "createdAt") VALUES (?, ?, ?, ?, 0, 0, ?, ?, ?, ?)`,
    orderedId(now),
    row.tokenHash,
    row.userId,
    row.purpose,
    sqliteDate(row.expiresAt),
    row.ip,
    row.userAgent,
    sqliteDate(now),
  );
  sql.run(TRIM_PENDING_SQLITE, row.userId, row.purpose, row.userId, row.purpose, MAX_PENDING_CHALLENGES);
}

// A challenge for a signed-in user's emailed re-authentication code.
export async function createReauthChallenge(
  userId: string,
  context: RequestContext,
): Promise<PendingChallenge> {
  const expiresAt = new Date(Date.now() + LIFETIME_MS.reauth);
  const row = await db.signInChallenge.create({
    data: {
      tokenHash: hashToken(randomBytes(32).toString("base64url")),
      userId,
      purpose: "reauth",
      expiresAt,
      ip: context.ip,
      userAgent: context.userAgent,
    },
  });
  return { id: row.id, userId, purpose: "reauth", failedAttempts: 0, verified: false, expiresAt };
}

export async function latestReauthChallengeId(userId: string): Promise<string | null> {
  const row = await db.signInChallenge.findFirst({
    where: { userId, purpose: "reauth", consumedAt: null, expiresAt: { gt: new Date() } },
    orderBy: { createdAt: "desc" },
    select: { id: true },
  });
  return row?.id ?? null;
}

async function challengeToken(): Promise<string | null> {
  return (await cookies()).get(challengeCookieName())?.value ?? null;
}

export async function clearChallengeCookie(): Promise<void> {
  (await cookies()).delete(challengeCookieName());
}

// The browser's live challenge of this purpose, or null when it is missing,
// expired, consumed or voided by too many wrong codes.
export async function getPendingChallenge(purpose: ChallengePurpose): Promise<PendingChallenge | null> {
  const token = await challengeToken();
  if (!token) return null;
  const row = await db.signInChallenge.findUnique({ where: { tokenHash: hashToken(token) } });
  if (
    !row ||
    row.purpose !== purpose ||
    row.consumedAt ||
    row.expiresAt <= new Date() ||
    (!row.verifiedAt && row.failedAttempts >= MAX_CHALLENGE_FAILURES)
  ) {
    return null;
  }
  return {
    id: row.id,
    userId: row.userId,
    purpose,
    failedAttempts: row.failedAttempts,
    verified: row.verifiedAt !== null,
    expiresAt: row.expiresAt,
  };
}

// Counts one code attempt before the code is checked (so parallel guesses
// cannot exceed the limit); false when the challenge has no tries left.
export async function claimChallengeAttempt(id: string): Promise<boolean> {
  const { count } = await db.signInChallenge.updateMany({
    where: {
      id,
      consumedAt: null,
      verifiedAt: null,
      expiresAt: { gt: new Date() },
      failedAttempts: { lt: MAX_CHALLENGE_FAILURES },
    },
    data: { failedAttempts: { increment: 1 } },
  });
  return count === 1;
}

// README.md "Security rules": 5 wrong codes void a sign-in. Counts a code
// found wrong; true for the one call whose code was the fifth wrong one, which
// ends the sign-in, so that its owner is told once. Counted after the check,
// unlike claimChallengeAttempt: a right code still being checked ends nothing.
export async function recordWrongCode(id: string): Promise<boolean> {
  const open = { id, verifiedAt: null, consumedAt: null };
  await db.signInChallenge.updateMany({ where: open, data: { wrongCodes: { increment: 1 } } });
  const { count } = await db.signInChallenge.updateMany({
    where: { ...open, wrongCodes: { gte: MAX_CHALLENGE_FAILURES } },
    data: { consumedAt: new Date() },
  });
  return count === 1;
}

export async function markChallengeVerified(id: string): Promise<boolean> {
  const { count } = await db.signInChallenge.updateMany({
    where: { id, verifiedAt: null, consumedAt: null, expiresAt: { gt: new Date() } },
    data: { verifiedAt: new Date() },
  });
  return count === 1;
}

// Issues a session at most once per verified challenge: one conditional
// update decides. Returns the user to sign in, or null.
export async function consumeVerifiedChallenge(token: string): Promise<string | null> {
  const tokenHash = hashToken(token);
  const { count } = await db.signInChallenge.updateMany({
    where: { tokenHash, verifiedAt: { not: null }, consumedAt: null, expiresAt: { gt: new Date() } },
    data: { consumedAt: new Date(), enrolSecret: null, enrolCodes: null },
  });
  if (count !== 1) return null;
  const row = await db.signInChallenge.findUnique({ where: { tokenHash }, select: { userId: true } });
  return row?.userId ?? null;
}

// Ends open enrolments (all of a user's, or one) and forgets what they hold.
export function endEnrolments(
  where: Prisma.SignInChallengeWhereInput,
  client: Prisma.TransactionClient = db,
): Prisma.PrismaPromise<Prisma.BatchPayload> {
  return client.signInChallenge.updateMany({
    where: { ...where, purpose: "enrol", consumedAt: null },
    data: { consumedAt: new Date(), enrolSecret: null, enrolCodes: null },
  });
}

// A sign-in ends without a session by setting consumedAt with verifiedAt unset.
export async function endPendingSignIns(
  userId: string,
  client: Prisma.TransactionClient = db,
): Promise<void> {
  await client.signInChallenge.updateMany({
    where: { userId, purpose: "signin", consumedAt: null },
    data: { consumedAt: new Date() },
  });
}

export async function currentChallengeToken(): Promise<string | null> {
  return challengeToken();
}
