import { finishPasskeyRegistration, startPasskeyRegistration } from "@/lib/server/factors/passkeys";
import { db } from "@/lib/server/platform/db";
import { SoftwareAuthenticator } from "@/__tests__/kit/software-authenticator";
import { createEnrolledUser, type TestUser } from "@/__tests__/kit/users";

export type PasskeyUser = TestUser & { authenticator: SoftwareAuthenticator; passkeyId: string };

// Registers a passkey of `authenticator` for the account, as settings does.
export async function addPasskey(
  user: { id: string; username: string },
  authenticator = new SoftwareAuthenticator(),
): Promise<string> {
  const response = authenticator.register(await startPasskeyRegistration(user));
  const result = await finishPasskeyRegistration(user, response, "Laptop");
  if (!result.ok) throw new Error(`registration refused: ${result.reason}`);
  return result.passkey.id;
}

// An enrolled account (authenticator app, recovery codes) that also holds a
// passkey; `method` "passkey" makes it an account enrolled with the passkey.
export async function createPasskeyUser(
  options: { method?: "totp" | "email" | "passkey"; verified?: boolean } = {},
): Promise<PasskeyUser> {
  const user = await createEnrolledUser();
  await db.user.update({
    where: { id: user.id },
    data: {
      twoFactorMethod: options.method ?? "totp",
      emailVerifiedAt: options.verified === false ? null : new Date(),
    },
  });
  // Enrolled with the passkey: no authenticator app.
  if (options.method === "passkey") await db.totpFactor.delete({ where: { userId: user.id } });
  const authenticator = new SoftwareAuthenticator();
  const passkeyId = await addPasskey(user, authenticator);
  return { ...user, authenticator, passkeyId };
}
