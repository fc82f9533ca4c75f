import "server-only";
import { db } from "../platform/db";
import { decryptSecret } from "../platform/encryption";
import { describeTotpSetup, type TotpSetup } from "./two-factor";

// A switch to a new authenticator app, waiting for its first code, is kept in
// the database (TotpFactor.pendingCiphertext): a reload of the settings page
// shows it again, until it is confirmed or cancelled. Only for an account
// that already has a second factor; first enrolment is /setup-2fa's.
export async function getPendingReenrolment(user: {
  id: string;
  username: string;
  twoFactorMethod: string | null;
}): Promise<TotpSetup | null> {
  if (!user.twoFactorMethod) return null;
  const factor = await db.totpFactor.findUnique({
    where: { userId: user.id },
    select: { pendingCiphertext: true },
  });
  if (!factor?.pendingCiphertext) return null;
  return describeTotpSetup(user.username, decryptSecret(factor.pendingCiphertext));
}

// Discards the pending secret; the current factor stays as it was. An email
// or passkey user's factor row exists only for the switch, so it goes.
export async function cancelTotpReenrolment(userId: string): Promise<void> {
  await db.$transaction([
    db.totpFactor.deleteMany({
      where: { userId, confirmedAt: null, user: { twoFactorMethod: { in: ["email", "passkey"] } } },
    }),
    db.totpFactor.updateMany({ where: { userId }, data: { pendingCiphertext: null } }),
  ]);
}
