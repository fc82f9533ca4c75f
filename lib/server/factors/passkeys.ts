import "server-only";
import { Prisma } from "@prisma/client";
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { db } from "../platform/db";
import { PASSKEYS } from "../policy";
import { normalizePasskeyName, summarySelect, toSummary, type PasskeySummary } from "./passkey-store";
import {
  challengeOf,
  consumePasskeyChallenge,
  issuePasskeyChallenge,
  relyingParty,
  type PasskeyBinding,
} from "./passkey-challenges";

export {
  canRemovePasskey,
  listPasskeys,
  normalizePasskeyName,
  removePasskey,
  renamePasskey,
  type PasskeySummary,
} from "./passkey-store";

export type RegistrationFailure =
  "challenge" | "verification failed" | "user verification" | "already registered";
export type RegistrationResult =
  { ok: true; passkey: PasskeySummary } | { ok: false; reason: RegistrationFailure };

export type AuthenticationFailure =
  "challenge" | "unknown credential" | "counter" | "user verification" | "verification failed";
// A failure names the account and passkey when they are known, so that the
// caller counts it against that account's limits (and records a counter
// that went back: a cloned authenticator, W3C WebAuthn §6.1.1).
export type AuthenticationResult =
  | { ok: true; userId: string; passkeyId: string }
  | { ok: false; reason: AuthenticationFailure; userId?: string; passkeyId?: string };

type PasskeyUser = { id: string; username: string };
export type RegistrationBinding = { sessionId?: string; signInChallengeId?: string };

// The WebAuthn user handle: the account id, nothing a person typed.
const userHandle = (userId: string): Uint8Array<ArrayBuffer> => new Uint8Array(Buffer.from(userId, "utf8"));

// `boundTo` ties the ceremony to where it began: the signed-in session
// (settings, `{ sessionId }`: the session's sid) or the enrolment challenge
// (/setup-2fa, `{ signInChallengeId }`); a finish from anywhere else is refused.
export async function startPasskeyRegistration(
  user: PasskeyUser,
  boundTo: RegistrationBinding = {},
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const existing = await db.passkey.findMany({
    where: { userId: user.id },
    select: { credentialId: true, transports: true },
  });
  const { challenge } = await issuePasskeyChallenge("register", { ...boundTo, userId: user.id });
  return generateRegistrationOptions({
    rpName: PASSKEYS.rpName,
    rpID: relyingParty().rpID,
    userName: user.username,
    userID: userHandle(user.id),
    challenge,
    timeout: PASSKEYS.challengeMs,
    attestationType: "none",
    // One authenticator is registered once: the browser refuses to make a
    // second credential on an authenticator that holds one of these.
    excludeCredentials: existing.map((row) => ({
      id: row.credentialId,
      ...(row.transports ? { transports: row.transports.split(",") } : {}),
    })),
    authenticatorSelection: { residentKey: "required", userVerification: "required" },
  });
}

// `name` may depend on the authenticator (its AAGUID, known once the
// response is verified), for a passkey its owner did not name.
export async function finishPasskeyRegistration(
  user: PasskeyUser,
  response: RegistrationResponseJSON,
  name: string | ((aaguid: string) => string),
  boundTo: RegistrationBinding = {},
): Promise<RegistrationResult> {
  const challenge = challengeOf(response?.response?.clientDataJSON);
  const binding = { ...boundTo, userId: user.id };
  if (!challenge || !(await consumePasskeyChallenge(challenge, "register", binding)))
    return { ok: false, reason: "challenge" };
  const { rpID, origin } = relyingParty();
  const verification = await verifyRegistrationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: origin,
    expectedRPID: rpID,
    // Checked below, so that its absence has a reason of its own.
    requireUserVerification: false,
  }).catch(() => null);
  // The ID the browser reports must be the one the authenticator data holds.
  if (!verification?.verified || verification.registrationInfo.credential.id !== response.id)
    return { ok: false, reason: "verification failed" };
  const info = verification.registrationInfo;
  if (!info.userVerified) return { ok: false, reason: "user verification" };
  const transports = response.response.transports ?? info.credential.transports ?? [];
  try {
    const row = await db.passkey.create({
      data: {
        userId: user.id,
        credentialId: info.credential.id,
        publicKey: info.credential.publicKey,
        counter: info.credential.counter,
        transports: transports.length > 0 ? transports.join(",") : null,
        deviceType: info.credentialDeviceType,
        backedUp: info.credentialBackedUp,
        name:
          normalizePasskeyName(typeof name === "function" ? name(info.aaguid) : name) ?? PASSKEYS.defaultName,
      },
      select: summarySelect,
    });
    return { ok: true, passkey: toSummary(row) };
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")
      return { ok: false, reason: "already registered" };
    throw error;
  }
}

// With a user: the passkeys of that account are allowed ("second_step");
// without one: any discoverable credential of this site ("signin").
export async function startPasskeyAuthentication(
  binding: PasskeyBinding = {},
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const allowed = binding.userId
    ? await db.passkey.findMany({
        where: { userId: binding.userId },
        select: { credentialId: true, transports: true },
      })
    : [];
  const { challenge } = await issuePasskeyChallenge(binding.userId ? "second_step" : "signin", binding);
  return generateAuthenticationOptions({
    rpID: relyingParty().rpID,
    challenge,
    timeout: PASSKEYS.challengeMs,
    userVerification: binding.userId ? "preferred" : "required",
    allowCredentials: allowed.map((row) => ({
      id: row.credentialId,
      ...(row.transports ? { transports: row.transports.split(",") } : {}),
    })),
  });
}

export async function finishPasskeyAuthentication(
  response: AuthenticationResponseJSON,
  options: PasskeyBinding & { requireUserVerification: boolean },
): Promise<AuthenticationResult> {
  const { requireUserVerification, ...binding } = options;
  const purpose = binding.userId ? "second_step" : "signin";
  const challenge = challengeOf(response?.response?.clientDataJSON);
  const consumed = challenge ? await consumePasskeyChallenge(challenge, purpose, binding) : null;
  if (!challenge || !consumed) return { ok: false, reason: "challenge" };
  const forUser = consumed.userId ?? undefined;
  const passkey =
    typeof response.id === "string"
      ? await db.passkey.findUnique({ where: { credentialId: response.id } })
      : null;
  const handle = response.response.userHandle;
  if (
    !passkey ||
    (forUser && passkey.userId !== forUser) ||
    (handle && handle !== Buffer.from(userHandle(passkey.userId)).toString("base64url"))
  )
    return { ok: false, reason: "unknown credential", userId: forUser };
  const failure = (reason: AuthenticationFailure): AuthenticationResult => ({
    ok: false,
    reason,
    userId: passkey.userId,
    passkeyId: passkey.id,
  });

  const { rpID, origin } = relyingParty();
  const verification = await verifyAuthenticationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: origin,
    expectedRPID: rpID,
    // Counter and user verification are checked below, after the signature,
    // so that each has a reason of its own.
    credential: { id: passkey.credentialId, publicKey: new Uint8Array(passkey.publicKey), counter: 0 },
    requireUserVerification: false,
  }).catch(() => null);
  if (!verification?.verified) return failure("verification failed");
  const { newCounter, userVerified, credentialBackedUp } = verification.authenticationInfo;
  // An authenticator without a counter sends 0 every time; one with a
  // counter must go past the stored value.
  if ((newCounter > 0 || passkey.counter > 0) && newCounter <= passkey.counter) return failure("counter");
  // DESIGN.md §5: user verification is required for a passkey that is the
  // whole sign-in, whatever the caller asked.
  if ((requireUserVerification || purpose === "signin") && !userVerified) return failure("user verification");
  // Compare-and-set on the counter: of two uses with the same counter value
  // (a cloned authenticator racing the real one) only one gets through.
  const { count } = await db.passkey.updateMany({
    where: { id: passkey.id, counter: passkey.counter },
    data: { counter: newCounter, backedUp: credentialBackedUp, lastUsedAt: new Date() },
  });
  if (count !== 1) return failure("counter");
  return { ok: true, userId: passkey.userId, passkeyId: passkey.id };
}
