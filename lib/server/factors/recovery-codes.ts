import "server-only";
import { randomBytes } from "node:crypto";
import type { Prisma, PrismaClient } from "@prisma/client";
import { db } from "../platform/db";
import { keyedHash } from "../platform/keyed-hash";
import { RECOVERY_CODE_COUNT } from "../policy";

const CODE_BYTES = 10; // 80 bits: 16 base32 characters
const CODE_FORMAT = /^[A-Z2-7]{16}$/;
const BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

// RFC 4648 base32 of a multiple of 5 bytes (so no padding). Not otplib's encoder:
// its ESM-only dependency would drag otplib into every importer of this module.
function base32(bytes: Buffer): string {
  let value = 0;
  let bits = 0;
  let output = "";
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xfff;
    bits += 8;
    for (; bits >= 5; bits -= 5) output += BASE32_ALPHABET[(value >>> (bits - 5)) & 31];
  }
  return output;
}

export function generateRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () =>
    (base32(randomBytes(CODE_BYTES)).match(/.{4}/g) ?? []).join("-"),
  );
}

export function normalizeRecoveryCode(input: string): string {
  return input.replace(/[\s-]/g, "").toUpperCase();
}

// Keyed hash, so that a stolen database alone cannot be checked offline.
export function hashRecoveryCode(code: string): string {
  return keyedHash("recovery-codes", normalizeRecoveryCode(code));
}

// Returns the plaintext codes, to be shown once; only their hashes are stored.
// Without a client the delete and insert run in a transaction of their own.
export async function replaceRecoveryCodes(
  userId: string,
  client: Prisma.TransactionClient | PrismaClient = db,
): Promise<string[]> {
  if (client === db) return db.$transaction((tx) => replaceRecoveryCodes(userId, tx));
  const codes = generateRecoveryCodes();
  await client.recoveryCode.deleteMany({ where: { userId } });
  await client.recoveryCode.createMany({
    data: codes.map((code) => ({ userId, codeHash: hashRecoveryCode(code) })),
  });
  return codes;
}

// One conditional update: of concurrent uses of a code exactly one succeeds.
export async function consumeRecoveryCode(
  userId: string,
  input: string,
): Promise<{ remaining: number } | null> {
  const normalized = normalizeRecoveryCode(input);
  if (!CODE_FORMAT.test(normalized)) return null;
  const { count } = await db.recoveryCode.updateMany({
    where: { userId, codeHash: hashRecoveryCode(normalized), usedAt: null },
    data: { usedAt: new Date() },
  });
  if (count === 0) return null;
  return { remaining: await countRecoveryCodesLeft(userId) };
}

export function countRecoveryCodesLeft(userId: string): Promise<number> {
  return db.recoveryCode.count({ where: { userId, usedAt: null } });
}
