import "server-only";
import { randomBytes } from "node:crypto";
import { hash as argon2Hash, verify as argon2Verify, type Options } from "@node-rs/argon2";
import bcrypt from "bcryptjs";

// The package's Algorithm is an ambient const enum, which isolatedModules cannot
// read (and which is an empty object at run time): Algorithm.Argon2id === 2.
const ARGON2ID = 2;

// OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1.
const ARGON2_OPTIONS = {
  algorithm: ARGON2ID,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
} satisfies Options;

const ARGON2_PHC = /^\$argon2(id|i|d)\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$/;
const BCRYPT_PREFIX = /^\$2[aby]\$/;

// Runs on the libuv thread pool, so hashing never blocks the event loop.
export function hashPassword(password: string): Promise<string> {
  return argon2Hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    if (hash.startsWith("$argon2")) return await argon2Verify(hash, password);
    // bcryptjs runs on the main thread: only for imported accounts, rehashed at their next sign-in.
    if (BCRYPT_PREFIX.test(hash)) return await bcrypt.compare(password, hash);
    return false;
  } catch {
    return false;
  }
}

// True for anything that is not an argon2id hash at the current settings or stronger.
export function passwordNeedsRehash(hash: string): boolean {
  const match = ARGON2_PHC.exec(hash);
  if (!match) return true;
  const [, variant, version, memoryCost, timeCost, parallelism] = match;
  return (
    variant !== "id" ||
    Number(version) < 19 ||
    Number(memoryCost) < ARGON2_OPTIONS.memoryCost ||
    Number(timeCost) < ARGON2_OPTIONS.timeCost ||
    Number(parallelism) < ARGON2_OPTIONS.parallelism
  );
}

let dummyHash: Promise<string> | undefined;

// A login for an unknown user does the same argon2 work as for a known one,
// so the response time does not reveal whether the account exists.
export async function verifyPasswordForUnknownUser(password: string): Promise<false> {
  dummyHash ??= hashPassword(randomBytes(32).toString("base64url"));
  await verifyPassword(await dummyHash, password);
  return false;
}
