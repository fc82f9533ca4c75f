import "server-only";
import { randomBytes } from "node:crypto";
import { availableParallelism } from "node:os";
import { hash as argon2Hash, verify as argon2Verify, type Options } from "@node-rs/argon2";
import bcrypt from "bcryptjs";
import { Slots } from "../platform/slots";
import { foregroundActive, foregroundIdle } from "../platform/foreground";
import { WorkQueue } from "../platform/work-queue";
import { PASSWORD_STEP_QUEUE } from "../policy";

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

// Admission control for the one expensive step. Hashes run on libuv's thread
// pool (4 threads), never on the event loop; but a burst of sign-ins would
// queue all its hashes there, keeping more threads busy than there are cores
// (so the event loop gets a share of a core) while every other user of the
// pool (WebCrypto for session cookies, file reads) waits behind the burst.
// Here the burst waits in line instead, and one core stays for the event loop.
const hashing = new Slots(Math.max(1, availableParallelism() - 1));
// ~1.5 s of waiting at 14 ms a hash on 2 cores: past it, a sign-in is told to
// come back at once rather than being made to wait longer.
const MAX_WAITING = 100;

// The password step as a whole (loginAction's `queue`) waits its turn here,
// before the hasher's own line, and gives page views the event loop first:
// while pages are being viewed, one step at a time, none starting while a
// page view is in flight, and each stepping aside again around its hash
// (lib/server/policy.ts PASSWORD_STEP_QUEUE). While nobody views a page the
// yields cost nothing, so a burst of sign-ins alone runs as before.
async function yieldToPages(): Promise<void> {
  if (foregroundActive(PASSWORD_STEP_QUEUE.pagesRecentMs))
    await foregroundIdle(PASSWORD_STEP_QUEUE.pageWaitMs);
}

export const passwordSteps = new WorkQueue({
  concurrency: () =>
    foregroundActive(PASSWORD_STEP_QUEUE.pagesRecentMs)
      ? PASSWORD_STEP_QUEUE.concurrencyBesidePages
      : PASSWORD_STEP_QUEUE.concurrency,
  maxWaiting: PASSWORD_STEP_QUEUE.maxWaiting,
  admit: yieldToPages,
});

export function passwordChecksBusy(): boolean {
  return hashing.waiting >= MAX_WAITING;
}

export function hashPassword(password: string): Promise<string> {
  return hashing.run(() => argon2Hash(password, ARGON2_OPTIONS));
}

// The hash is where a password step can step aside for page views: the work
// before it and the work after it are each one unbroken stretch of the loop.
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  await yieldToPages();
  const valid = await checkHash(hash, password);
  await yieldToPages();
  return valid;
}

function checkHash(hash: string, password: string): Promise<boolean> {
  return hashing.run(async () => {
    try {
      if (hash.startsWith("$argon2")) return await argon2Verify(hash, password);
      // bcryptjs runs on the main thread: only for imported accounts, rehashed at their next sign-in.
      if (BCRYPT_PREFIX.test(hash)) return await bcrypt.compare(password, hash);
      return false;
    } catch {
      return false;
    }
  });
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
