import "server-only";
import { db } from "../platform/db";
import { consumeEmailCode } from "./email-codes";
import { decryptSecret, encryptSecret } from "../platform/encryption";
import { env } from "../platform/env";
import { consumeRecoveryCode } from "./recovery-codes";
import {
  consumeTotpStep,
  formatSetupKey,
  generateTotpSecret,
  totpQrCodeDataUrl,
  totpUri,
  verifyTotpCode,
} from "./totp";

export type TotpSetup = { qrCodeDataUrl: string; setupKey: string; uri: string };

export async function describeTotpSetup(username: string, secret: string): Promise<TotpSetup> {
  const uri = totpUri(username, secret);
  return { uri, setupKey: formatSetupKey(secret), qrCodeDataUrl: await totpQrCodeDataUrl(uri) };
}

// Re-enrolment keeps the current authenticator working until the new one has
// proved itself with a code.
export async function startTotpReenrolment(userId: string): Promise<string> {
  const secret = generateTotpSecret();
  await db.totpFactor.upsert({
    where: { userId },
    create: { userId, secretCiphertext: encryptSecret(secret), pendingCiphertext: encryptSecret(secret) },
    update: { pendingCiphertext: encryptSecret(secret) },
  });
  return secret;
}

export async function confirmTotpReenrolment(userId: string, code: string): Promise<boolean> {
  const factor = await db.totpFactor.findUnique({ where: { userId } });
  if (!factor?.pendingCiphertext) return false;
  const step = await verifyTotpCode(decryptSecret(factor.pendingCiphertext), code);
  if (step === null) return false;
  const { count } = await db.totpFactor.updateMany({
    where: { userId, pendingCiphertext: factor.pendingCiphertext },
    data: {
      secretCiphertext: factor.pendingCiphertext,
      pendingCiphertext: null,
      confirmedAt: new Date(),
      lastUsedStep: step,
    },
  });
  if (count === 1) {
    await db.user.update({
      where: { id: userId },
      data: { twoFactorMethod: "totp", twoFactorAt: new Date() },
    });
  }
  return count === 1;
}

export type SecondFactorMethod = "totp" | "recovery" | "email";
export type SecondFactorResult = { ok: true; recoveryCodesLeft?: number } | { ok: false };

// Checks a second factor of an enrolled account and uses it up: a TOTP time
// step, a recovery code and an emailed code are each accepted once
// (SECURITY.md, ASVS 6.5.1).
// An emailed code counts only for the challenge it was sent for.
export async function verifySecondFactor(
  userId: string,
  method: SecondFactorMethod,
  code: string,
  challengeId?: string,
): Promise<SecondFactorResult> {
  if (method === "email") {
    if (!env.EMAIL_SECOND_FACTOR || !challengeId) return { ok: false };
    return (await consumeEmailCode(challengeId, code)) ? { ok: true } : { ok: false };
  }
  if (method === "recovery") {
    const used = await consumeRecoveryCode(userId, code);
    return used ? { ok: true, recoveryCodesLeft: used.remaining } : { ok: false };
  }
  const factor = await db.totpFactor.findUnique({ where: { userId } });
  if (!factor?.confirmedAt) return { ok: false };
  const step = await verifyTotpCode(decryptSecret(factor.secretCiphertext), code, {
    afterTimeStep: factor.lastUsedStep,
  });
  if (step === null || !(await consumeTotpStep(userId, step))) return { ok: false };
  return { ok: true };
}
