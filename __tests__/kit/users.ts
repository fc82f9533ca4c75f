import { generateTotpCode } from "@/lib/server/factors/totp";
import { db } from "@/lib/server/platform/db";
import { encryptSecret } from "@/lib/server/platform/encryption";
import { hashPassword } from "@/lib/server/accounts/password";
import { replaceRecoveryCodes } from "@/lib/server/factors/recovery-codes";
import { uniqueName } from "@/__tests__/kit/names";

export { uniqueName };

export type TestUser = {
  id: string;
  username: string;
  email: string;
  password: string;
  secret: string;
  recoveryCodes: string[];
};

// An enrolled account (confirmed authenticator and recovery codes), made
// directly in the database.
export async function createEnrolledUser(secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"): Promise<TestUser> {
  const username = uniqueName("u");
  const password = `pass-${username}-words`;
  const user = await db.user.create({
    data: {
      username,
      email: `${username}@example.test`,
      passwordHash: await hashPassword(password),
      twoFactorMethod: "totp",
      twoFactorAt: new Date(),
      totpFactor: { create: { secretCiphertext: encryptSecret(secret), confirmedAt: new Date() } },
    },
  });
  const recoveryCodes = await replaceRecoveryCodes(user.id);
  return { id: user.id, username, email: user.email, password, secret, recoveryCodes };
}

export async function currentCode(secret: string, offsetSteps = 0): Promise<string> {
  return generateTotpCode(secret, Date.now() + offsetSteps * 30_000);
}

export async function rowCounts(): Promise<Record<string, number>> {
  const [users, challenges, events, rateLimits, recoveryCodes, factors] = await Promise.all([
    db.user.count(),
    db.signInChallenge.count(),
    db.securityEvent.count(),
    db.rateLimit.count(),
    db.recoveryCode.count(),
    db.totpFactor.count(),
  ]);
  return { users, challenges, events, rateLimits, recoveryCodes, factors };
}
