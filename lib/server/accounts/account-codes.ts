import "server-only";
import { randomInt, timingSafeEqual } from "node:crypto";
import type { AccountCode, Prisma } from "@prisma/client";
import { db } from "../platform/db";
import { env } from "../platform/env";
import { keyedHash } from "../platform/keyed-hash";
import { claimWindowTry, type RateLimitVerdict } from "../platform/rate-limit";
import { ACCOUNT_CODE_LIMITS, ACCOUNT_CODES, accountCodeKeys } from "../policy";

// The AccountCode table: secrets emailed to prove an address or recover an
// account. Codes and tokens are stored as keyed hashes only; a newer secret
// of a purpose voids the account's older ones. Numbers: ../policy.ts.

export type AccountCodePurpose = "verify_email" | "change_email" | "reset_password";
export type CodePurpose = Exclude<AccountCodePurpose, "reset_password">;

type Client = Prisma.TransactionClient;
// "ip" or "account": which limit refused. A page that must not tell whether
// an account exists answers an account refusal like a success.
export type Limited = { ok: false; reason: "limited"; scope: "ip" | "account"; retryAfterSeconds: number };

const { codeAlphabet, codeLength, maxTries } = ACCOUNT_CODES;
const CODE_FORMAT = new RegExp(`^[${codeAlphabet}]{${codeLength}}$`);

// A code is hashed with its account and purpose, so equal codes of two
// accounts do not share a hash and a code of one purpose is no use for another.
export const hashAccountCode = (userId: string, purpose: CodePurpose, code: string): string =>
  keyedHash(`account-codes:${purpose}`, `${userId}:${normalizeAccountCode(code)}`);

export const hashAccountToken = (purpose: string, token: string): string =>
  keyedHash(`account-codes:${purpose}`, token);

// randomInt draws from a CSPRNG without modulo bias.
export function generateAccountCode(): string {
  return Array.from({ length: codeLength }, () => codeAlphabet[randomInt(codeAlphabet.length)]).join("");
}

// People type codes in lower case, with spaces or a hyphen in the middle.
export function normalizeAccountCode(input: string): string {
  return input.replace(/[\s-]/g, "").toUpperCase();
}

// Every email that carries an account code counts toward the IP's limit and
// then the account's. The IP goes first so that a refused IP never spends the
// account's allowance. `userId` null: a request for a name with no account,
// which must cost the IP the same (DESIGN.md §4: the same answer always).
export async function claimCodeEmail(
  userId: string | null,
  ip: string,
  now = new Date(),
): Promise<{ ok: true } | Limited> {
  const byIp = await claimWindowTry(accountCodeKeys.sendsPerIp(ip), ACCOUNT_CODE_LIMITS.sendsPerIp, now);
  if (!byIp.ok) return limited("ip", byIp);
  if (!userId) return { ok: true };
  const byAccount = await claimWindowTry(
    accountCodeKeys.sendsPerAccount(userId),
    ACCOUNT_CODE_LIMITS.sendsPerAccount,
    now,
  );
  return byAccount.ok ? { ok: true } : limited("account", byAccount);
}

const limited = (scope: Limited["scope"], verdict: RateLimitVerdict & { ok: false }): Limited => ({
  ok: false,
  reason: "limited",
  scope,
  retryAfterSeconds: verdict.retryAfterSeconds,
});

const live = (now: Date) => ({ consumedAt: null, voidedAt: null, expiresAt: { gt: now } });

// Voids the account's live secrets of these purposes.
export async function voidAccountCodes(
  client: Client,
  userId: string,
  purposes: readonly AccountCodePurpose[],
  now: Date,
): Promise<void> {
  await client.accountCode.updateMany({
    where: { userId, purpose: { in: [...purposes] }, consumedAt: null, voidedAt: null },
    data: { voidedAt: now },
  });
}

// For a caller outside a transaction (a code whose email could not be sent).
export async function voidUnsentCodes(
  userId: string,
  purposes: readonly AccountCodePurpose[],
): Promise<void> {
  await voidAccountCodes(db, userId, purposes, new Date());
}

// Stores a new secret of a purpose for an account and voids the older ones,
// in one transaction; the account's dead secrets of the purpose (used,
// voided, expired) are forgotten. It locks the account's row first
// (PostgreSQL: until commit; SQLite locks the file for any write), so two
// issues at once take turns and the later voids the earlier: one live secret
// per purpose.
export async function storeAccountCode(
  data: { userId: string; purpose: AccountCodePurpose; email: string; secretHash: string },
  now: Date,
): Promise<AccountCode> {
  const { userId, purpose } = data;
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`UPDATE "User" SET "sessionVersion" = "sessionVersion" WHERE "id" = ${userId}`;
    await tx.accountCode.deleteMany({
      where: {
        userId,
        purpose,
        OR: [{ consumedAt: { not: null } }, { voidedAt: { not: null } }, { expiresAt: { lte: now } }],
      },
    });
    await voidAccountCodes(tx, userId, [purpose], now);
    return tx.accountCode.create({
      data: {
        ...data,
        createdAt: now,
        expiresAt: new Date(now.getTime() + ACCOUNT_CODES.lifetimeMs[purpose]),
      },
    });
  });
}

// The emailed link that carries a code to /verify-email, which verifies at
// once: the account id (not a secret) says whose code it is.
export function verificationLink(userId: string, purpose: CodePurpose, code: string): string {
  const url = new URL("/verify-email", env.APP_URL);
  url.searchParams.set("account", userId);
  url.searchParams.set("code", code);
  if (purpose === "change_email") url.searchParams.set("purpose", purpose);
  return url.toString();
}

export type IssuedAccountCode = { ok: true; code: string; link: string; expiresAt: Date } | Limited;

// A code to email to `email`, within the sending limits (claimCodeEmail).
export async function issueAccountCode(
  userId: string,
  email: string,
  purpose: CodePurpose,
  ip: string,
  now = new Date(),
): Promise<IssuedAccountCode> {
  const limit = await claimCodeEmail(userId, ip, now);
  if (!limit.ok) return limit;
  return createAccountCode(userId, email, purpose, now);
}

// The same without claiming a send: for a caller that claimed it already.
export async function createAccountCode(
  userId: string,
  email: string,
  purpose: CodePurpose,
  now = new Date(),
): Promise<{ ok: true; code: string; link: string; expiresAt: Date }> {
  const code = generateAccountCode();
  const row = await storeAccountCode(
    { userId, purpose, email, secretHash: hashAccountCode(userId, purpose, code) },
    now,
  );
  return { ok: true, code, link: verificationLink(userId, purpose, code), expiresAt: row.expiresAt };
}

export type CodeCheck =
  | { ok: true; row: AccountCode }
  | { ok: false; reason: "wrong"; triesLeft: number }
  // "voided": the 5th wrong try voided it; "none": no code is waiting (never
  // sent, used, or replaced by a newer one).
  | { ok: false; reason: "voided" | "expired" | "none" };

function whyNotLive(row: AccountCode | null, now: Date): CodeCheck & { ok: false } {
  if (!row || row.consumedAt) return { ok: false, reason: "none" };
  if (row.voidedAt) return { ok: false, reason: row.attempts >= maxTries ? "voided" : "none" };
  if (row.expiresAt <= now) return { ok: false, reason: "expired" };
  return { ok: false, reason: "voided" };
}

// Checks a code against the account's newest one of the purpose. The try is
// counted before the comparison by a conditional update, so parallel guesses
// get no more than 5 tries between them; the 5th wrong one voids the code.
// A right code is not used up here: the caller consumes it (consumeAccountCode)
// in the transaction that does what it allows.
export async function checkAccountCode(
  userId: string,
  purpose: CodePurpose,
  input: string,
  now = new Date(),
): Promise<CodeCheck> {
  // At most one code of a purpose is neither used nor voided (storeAccountCode).
  const newest =
    (await db.accountCode.findFirst({ where: { userId, purpose, consumedAt: null, voidedAt: null } })) ??
    (await db.accountCode.findFirst({ where: { userId, purpose }, orderBy: { createdAt: "desc" } }));
  if (!newest || newest.consumedAt || newest.voidedAt || newest.expiresAt <= now) {
    return whyNotLive(newest, now);
  }
  // Garbage is refused without spending a try.
  if (!CODE_FORMAT.test(normalizeAccountCode(input))) {
    return { ok: false, reason: "wrong", triesLeft: maxTries - newest.attempts };
  }
  const claimed = await db.accountCode.updateMany({
    where: { id: newest.id, attempts: { lt: maxTries }, ...live(now) },
    data: { attempts: { increment: 1 } },
  });
  if (claimed.count !== 1)
    return whyNotLive(await db.accountCode.findUnique({ where: { id: newest.id } }), now);
  const matches = timingSafeEqual(
    Buffer.from(hashAccountCode(userId, purpose, input)),
    Buffer.from(newest.secretHash),
  );
  if (matches) return { ok: true, row: newest };
  const after = await db.accountCode.findUniqueOrThrow({ where: { id: newest.id } });
  if (after.attempts < maxTries) return { ok: false, reason: "wrong", triesLeft: maxTries - after.attempts };
  await db.accountCode.updateMany({
    where: { id: newest.id, consumedAt: null, voidedAt: null },
    data: { voidedAt: now },
  });
  return { ok: false, reason: "voided" };
}

// Uses a checked code up: one conditional update, so of two requests holding
// the right code exactly one gets true.
export async function consumeAccountCode(client: Client, id: string, now: Date): Promise<boolean> {
  const { count } = await client.accountCode.updateMany({
    where: { id, ...live(now) },
    data: { consumedAt: now },
  });
  return count === 1;
}
