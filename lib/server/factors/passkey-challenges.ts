import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { db } from "../platform/db";
import { env } from "../platform/env";
import { PASSKEYS } from "../policy";

// "register": a signed-in user adds a passkey. "signin": a passkey is the
// whole sign-in, the user is not known yet. "second_step": a known user's
// passkey (the second step of the pending sign-in `signInChallengeId`, or a
// re-authentication without one).
export type PasskeyPurpose = "register" | "signin" | "second_step";

// Whom a challenge belongs to; a second step names its pending sign-in too,
// a registration its session (`sessionId`) or enrolment (`signInChallengeId`).
// A passwordless sign-in has no user yet: its `sessionId` is the SHA-256 of
// a secret in the browser's cookie (lib/server/sign-in/passkey-sign-in.ts),
// so that only the browser that began it may finish it.
export type PasskeyBinding =
  | { userId?: undefined; signInChallengeId?: undefined; sessionId?: string }
  | { userId: string; signInChallengeId?: string; sessionId?: string };

// DESIGN.md §5: RP ID and origin from APP_URL (http://localhost counts as a
// secure context, PLATFORM.md "Passkeys").
export function relyingParty(): { rpID: string; origin: string } {
  const url = new URL(env.APP_URL);
  return { rpID: url.hostname, origin: url.origin };
}

const hashChallenge = (challenge: string): string => createHash("sha256").update(challenge).digest("hex");

// A fresh challenge, base64url as the options carry it; only its hash is
// stored. Expired challenges of anyone are swept on the way (indexed, and at
// most 5 minutes of them are ever kept).
export async function issuePasskeyChallenge(
  purpose: PasskeyPurpose,
  binding: PasskeyBinding,
): Promise<{ challenge: Uint8Array<ArrayBuffer>; id: string }> {
  const bytes = new Uint8Array(randomBytes(PASSKEYS.challengeBytes));
  const now = Date.now();
  await db.passkeyChallenge.deleteMany({ where: { expiresAt: { lt: new Date(now) } } });
  const row = await db.passkeyChallenge.create({
    data: {
      challengeHash: hashChallenge(Buffer.from(bytes).toString("base64url")),
      purpose,
      userId: binding.userId ?? null,
      signInChallengeId: binding.signInChallengeId ?? null,
      sessionId: binding.sessionId ?? null,
      expiresAt: new Date(now + PASSKEYS.challengeMs),
    },
  });
  return { challenge: bytes, id: row.id };
}

// The challenge a response signed, read from its clientDataJSON (base64url
// JSON); null when there is none to read.
export function challengeOf(clientDataJSON: unknown): string | null {
  if (typeof clientDataJSON !== "string" || clientDataJSON.length > 4096) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(clientDataJSON, "base64url").toString("utf8"));
    const challenge = (parsed as { challenge?: unknown } | null)?.challenge;
    return typeof challenge === "string" && challenge.length > 0 ? challenge : null;
  } catch {
    return null;
  }
}

// Used once: one conditional update, so that of concurrent finishes of one
// challenge exactly one gets it. A challenge of another purpose, user or
// sign-in is refused and left alone (its own browser may still use it).
export async function consumePasskeyChallenge(
  challenge: string,
  purpose: PasskeyPurpose,
  binding: PasskeyBinding,
): Promise<{ id: string; userId: string | null } | null> {
  const row = await db.passkeyChallenge.findUnique({ where: { challengeHash: hashChallenge(challenge) } });
  if (
    !row ||
    row.purpose !== purpose ||
    row.userId !== (binding.userId ?? null) ||
    row.signInChallengeId !== (binding.signInChallengeId ?? null) ||
    row.sessionId !== (binding.sessionId ?? null)
  )
    return null;
  const now = new Date();
  const { count } = await db.passkeyChallenge.updateMany({
    where: { id: row.id, consumedAt: null, expiresAt: { gt: now } },
    data: { consumedAt: now },
  });
  return count === 1 ? { id: row.id, userId: row.userId } : null;
}
