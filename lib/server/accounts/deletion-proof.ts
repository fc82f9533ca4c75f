import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { db } from "../platform/db";
import { ACCOUNT_DELETION, accountDeletionKeys } from "../policy";

// The step between "Delete account" (a right password and current code) and
// "Delete my account permanently": a random 256-bit token that the
// confirmation form carries, whose SHA-256 is stored in a RateLimit row keyed
// by the session that re-authenticated. The confirmation needs that session,
// that token, within ACCOUNT_DELETION.proofLifetimeMs, once; posting it
// without the first step, from another session, late or twice deletes nothing.

const hashToken = (token: string): string => createHash("sha256").update(token).digest("hex");

// A new proof replaces this session's older one, so a session holds at most one.
export async function createDeletionProof(userId: string, sessionId: string): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await db.$transaction([
    db.rateLimit.deleteMany({ where: { key: { startsWith: accountDeletionKeys.sessionPrefix(sessionId) } } }),
    db.rateLimit.create({
      data: { key: accountDeletionKeys.proof(sessionId, hashToken(token), userId), windowStart: new Date() },
    }),
  ]);
  return token;
}

// Uses the proof up by one conditional delete: true exactly once, for this
// account's session and token while the proof is fresh.
export async function consumeDeletionProof(
  userId: string,
  sessionId: string,
  token: string,
): Promise<boolean> {
  const { count } = await db.rateLimit.deleteMany({
    where: {
      key: accountDeletionKeys.proof(sessionId, hashToken(token), userId),
      windowStart: { gt: new Date(Date.now() - ACCOUNT_DELETION.proofLifetimeMs) },
    },
  });
  return count === 1;
}
