import "server-only";
import type { Prisma } from "@prisma/client";
import type { RegistrationResponseJSON } from "@simplewebauthn/server";
import { endEnrolments, getPendingChallenge } from "../sign-in/challenge";
import { db } from "../platform/db";
import { decryptSecret, encryptSecret } from "../platform/encryption";
import { finishPasskeyRegistration, type PasskeySummary, type RegistrationFailure } from "./passkeys";
import { replaceRecoveryCodes } from "./recovery-codes";
import { verifyTotpCode } from "./totp";

// A first enrolment belongs to one challenge, that is to one browser (its
// HttpOnly cookie): the TOTP secret it shows and the recovery codes its
// confirmation makes are kept on the challenge row, never on the account
// before it is confirmed.

type Method = "totp" | "email" | "passkey";

// The challenge ended (Continue, Cancel, expiry, a newer enrolment) or the
// account got a factor meanwhile: the whole confirmation is rolled back.
class EnrolmentEnded extends Error {}

export async function getEnrolmentSecret(challengeId: string): Promise<string | null> {
  const row = await db.signInChallenge.findUnique({
    where: { id: challengeId },
    select: { enrolSecret: true },
  });
  return row?.enrolSecret ? decryptSecret(row.enrolSecret) : null;
}

// The codes the confirmation made, until Continue: server-rendered, so that
// they are on the page without JavaScript and survive a reload.
export async function getShownRecoveryCodes(challengeId: string): Promise<string[] | null> {
  const row = await db.signInChallenge.findUnique({
    where: { id: challengeId },
    select: { enrolCodes: true },
  });
  return row?.enrolCodes ? (JSON.parse(decryptSecret(row.enrolCodes)) as string[]) : null;
}

// Whose setup this browser is in, for the header; null when none is.
export async function getSetupInProgress(): Promise<{ username: string; verified: boolean } | null> {
  const challenge = await getPendingChallenge("enrol");
  if (!challenge) return null;
  const user = await db.user.findUnique({
    where: { id: challenge.userId },
    select: { username: true, emailVerifiedAt: true, twoFactorMethod: true },
  });
  // Still proving its address (/verify-email): no setup yet, and nothing
  // that a registration of a taken address (a decoy step) would not show.
  if (!user || (!user.emailVerifiedAt && !user.twoFactorMethod)) return null;
  return { username: user.username, verified: challenge.verified };
}

// One transaction, every write conditional: the account still has no factor,
// and this browser's challenge is still open (a newer enrolment elsewhere
// voids it). Either all of it happens or none.
async function finishEnrolment(
  challengeId: string,
  userId: string,
  method: Method,
  saveFactor: (tx: Prisma.TransactionClient, now: Date) => Promise<unknown>,
): Promise<boolean> {
  const now = new Date();
  try {
    return await db.$transaction(async (tx) => {
      const user = await tx.user.updateMany({
        where: { id: userId, twoFactorMethod: null },
        data: { twoFactorMethod: method, twoFactorAt: now },
      });
      if (user.count !== 1) throw new EnrolmentEnded();
      await saveFactor(tx, now);
      const codes = await replaceRecoveryCodes(userId, tx);
      const challenge = await tx.signInChallenge.updateMany({
        where: {
          id: challengeId,
          userId,
          purpose: "enrol",
          verifiedAt: null,
          consumedAt: null,
          expiresAt: { gt: now },
        },
        data: { verifiedAt: now, enrolSecret: null, enrolCodes: encryptSecret(JSON.stringify(codes)) },
      });
      if (challenge.count !== 1) throw new EnrolmentEnded();
      // Any other browser's enrolment of this account is over too.
      await endEnrolments({ userId, id: { not: challengeId } }, tx);
      return true;
    });
  } catch (error) {
    if (error instanceof EnrolmentEnded) return false;
    throw error;
  }
}

// A right code for the secret THIS challenge showed turns 2FA on. False for a
// wrong code, or when the challenge or the account moved on.
export async function confirmTotpEnrolment(
  challengeId: string,
  userId: string,
  code: string,
): Promise<boolean> {
  const row = await db.signInChallenge.findUnique({
    where: { id: challengeId },
    select: { enrolSecret: true },
  });
  if (!row?.enrolSecret) return false;
  const secretCiphertext = row.enrolSecret;
  const step = await verifyTotpCode(decryptSecret(secretCiphertext), code);
  if (step === null) return false;
  return finishEnrolment(challengeId, userId, "totp", (tx, now) =>
    tx.totpFactor.upsert({
      where: { userId },
      create: { userId, secretCiphertext, confirmedAt: now, lastUsedStep: step },
      update: { secretCiphertext, pendingCiphertext: null, confirmedAt: now, lastUsedStep: step },
    }),
  );
}

// Users without an authenticator app: emailed codes become the second factor
// once a first emailed code (sent for this challenge) has proved the address.
export async function enableEmailSecondFactor(challengeId: string, userId: string): Promise<boolean> {
  return finishEnrolment(challengeId, userId, "email", async () => undefined);
}

export type PasskeyEnrolmentResult =
  { ok: true; passkey: PasskeySummary } | { ok: false; reason: RegistrationFailure | "enrolment ended" };

// A passkey as the factor chosen at /setup-2fa: the registration must answer
// a ceremony begun for THIS enrolment (its PasskeyChallenge names the
// challenge), and the passkey becomes the account's factor only with the
// rest of finishEnrolment. When the enrolment or the account moved on in
// between, the passkey just made goes again: a browser whose enrolment
// ended keeps no way into the account.
export async function enrolPasskey(
  challengeId: string,
  user: { id: string; username: string },
  response: RegistrationResponseJSON,
  name: string,
): Promise<PasskeyEnrolmentResult> {
  const registered = await finishPasskeyRegistration(user, response, name, {
    signInChallengeId: challengeId,
  });
  if (!registered.ok) return registered;
  const passkeyId = registered.passkey.id;
  let enabled = false;
  try {
    enabled = await finishEnrolment(challengeId, user.id, "passkey", async () => undefined);
  } finally {
    if (!enabled) await db.passkey.deleteMany({ where: { id: passkeyId, userId: user.id } });
  }
  return enabled ? registered : { ok: false, reason: "enrolment ended" };
}
