import "server-only";
import type { Prisma } from "@prisma/client";
import { db } from "../platform/db";
import { PASSKEYS } from "../policy";

// The passkeys an account holds, as settings lists them; the ceremonies that
// add and use them are in passkeys.ts.
export type PasskeySummary = {
  id: string;
  name: string;
  deviceType: string;
  backedUp: boolean;
  transports: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
};

export const summarySelect = {
  id: true,
  name: true,
  deviceType: true,
  backedUp: true,
  transports: true,
  createdAt: true,
  lastUsedAt: true,
} as const;

export function toSummary(
  row: Omit<PasskeySummary, "transports"> & { transports: string | null },
): PasskeySummary {
  return { ...row, transports: row.transports ? row.transports.split(",") : [] };
}

// Trimmed, control characters out, at most 64 characters; null when nothing is left.
export function normalizePasskeyName(input: string): string | null {
  const name = input
    .replace(/\p{Cc}/gu, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, PASSKEYS.nameMaxLength)
    .trim();
  return name.length > 0 ? name : null;
}

export async function listPasskeys(userId: string): Promise<PasskeySummary[]> {
  const rows = await db.passkey.findMany({
    where: { userId },
    orderBy: { createdAt: "asc" },
    select: summarySelect,
  });
  return rows.map(toSummary);
}

export async function renamePasskey(
  userId: string,
  passkeyId: string,
  name: string,
): Promise<{ ok: true } | { ok: false; reason: "name" | "not found" }> {
  const normalized = normalizePasskeyName(name);
  if (!normalized) return { ok: false, reason: "name" };
  const { count } = await db.passkey.updateMany({
    where: { id: passkeyId, userId },
    data: { name: normalized },
  });
  return count === 1 ? { ok: true } : { ok: false, reason: "not found" };
}

type Removal = { ok: true } | { ok: false; reason: "last factor" | "not found" };
type Reader = Pick<Prisma.TransactionClient, "user" | "passkey">;

// DESIGN.md §4: never the account's last factor. An enrolled authenticator
// app or emailed codes count as one; recovery codes do not.
async function removalVerdict(client: Reader, userId: string, passkeyId: string): Promise<Removal> {
  const user = await client.user.findUnique({
    where: { id: userId },
    select: { twoFactorMethod: true, totpFactor: { select: { confirmedAt: true } } },
  });
  const target = await client.passkey.findFirst({ where: { id: passkeyId, userId }, select: { id: true } });
  if (!user || !target) return { ok: false, reason: "not found" };
  const otherPasskeys = await client.passkey.count({ where: { userId, id: { not: passkeyId } } });
  const otherFactor =
    (user.twoFactorMethod === "totp" && Boolean(user.totpFactor?.confirmedAt)) ||
    user.twoFactorMethod === "email";
  return otherPasskeys === 0 && !otherFactor ? { ok: false, reason: "last factor" } : { ok: true };
}

// Whether removePasskey would remove it now: settings asks before it asks
// for the password, so that no code is spent on a removal that cannot happen.
export function canRemovePasskey(userId: string, passkeyId: string): Promise<Removal> {
  return removalVerdict(db, userId, passkeyId);
}

// The user's row is written first, so that concurrent removals of two last
// passkeys take turns (a row lock on PostgreSQL, the write lock on SQLite)
// and the second sees the first's removal.
export async function removePasskey(userId: string, passkeyId: string): Promise<Removal> {
  return db.$transaction(async (tx) => {
    await tx.user.updateMany({ where: { id: userId }, data: { updatedAt: new Date() } });
    const verdict = await removalVerdict(tx, userId, passkeyId);
    if (verdict.ok) await tx.passkey.delete({ where: { id: passkeyId } });
    return verdict;
  });
}

// The account a credential ID belongs to, before its signature is checked
// (a passwordless sign-in counts a try against that account's limits first).
export async function findPasskeyOwner(credentialId: string): Promise<string | null> {
  const row = await db.passkey.findUnique({ where: { credentialId }, select: { userId: true } });
  return row?.userId ?? null;
}

export async function hasPasskey(userId: string): Promise<boolean> {
  return (await db.passkey.count({ where: { userId } })) > 0;
}
