import "server-only";
import type { PrismaClient, User } from "@prisma/client";
import { deleteAccount } from "../accounts/account-deletion";
import { accountRateLimits } from "../accounts/account-limits";
import { recordSecurityEvent } from "../accounts/events";
import { sendAccountDeletedEmail, sendTwoFactorResetEmail } from "../mail/senders";
import { pruneAll, type PruneCounts } from "../platform/prune";
import { endUserSessions } from "../sign-in/sessions";
import { OPERATOR_CONTEXT, OPERATOR_DETAIL } from "../policy";

// The operator CLI's changes (DESIGN.md §4 "Operators"). Each is one
// transaction with its security event, marked "by an operator".

export type TwoFactorReset = {
  totpFactors: number;
  recoveryCodes: number;
  passkeys: number;
  pendingChallenges: number;
  sessions: number;
  emailed: boolean;
};

// The lost-everything case: every factor, passkey and recovery code goes,
// with every pending sign-in and enrolment (one begun with the old factor
// must not finish), and every session and access token is revoked (a new
// session version). The account keeps its password and, having no factor,
// is sent to /setup-2fa by its next sign-in (app/login/actions.ts). Then the
// owner is emailed.
export async function resetTwoFactor(client: PrismaClient, user: User): Promise<TwoFactorReset> {
  const userId = user.id;
  const removed = await client.$transaction(async (tx) => {
    const totpFactors = await tx.totpFactor.deleteMany({ where: { userId } });
    const recoveryCodes = await tx.recoveryCode.deleteMany({ where: { userId } });
    const passkeys = await tx.passkey.deleteMany({ where: { userId } });
    await tx.passkeyChallenge.deleteMany({ where: { userId } });
    // Their emailed codes and passkey challenges go with them (cascade).
    const pendingChallenges = await tx.signInChallenge.deleteMany({ where: { userId } });
    await tx.emailCode.deleteMany({ where: { userId } });
    await tx.user.update({
      where: { id: userId },
      data: { twoFactorMethod: null, twoFactorAt: null, sessionVersion: { increment: 1 } },
    });
    const sessions = await endUserSessions(userId, { client: tx });
    await recordSecurityEvent(userId, "operator_reset_2fa", OPERATOR_CONTEXT, OPERATOR_DETAIL, tx);
    return {
      totpFactors: totpFactors.count,
      recoveryCodes: recoveryCodes.count,
      passkeys: passkeys.count,
      pendingChallenges: pendingChallenges.count,
      sessions,
    };
  });
  const sent = await sendTwoFactorResetEmail(user);
  return { ...removed, emailed: sent.ok };
}

// Clears every rate limit that counts for the account (../accounts/account-limits.ts).
export async function unlockUser(client: PrismaClient, user: User): Promise<number> {
  return client.$transaction(async (tx) => {
    const { count } = await tx.rateLimit.deleteMany({ where: accountRateLimits(user) });
    await recordSecurityEvent(user.id, "operator_unlocked", OPERATOR_CONTEXT, OPERATOR_DETAIL, tx);
    return count;
  });
}

// "Sign out everywhere" for the user: a new session version revokes every
// session and access token, every session row ends (settings lists none),
// and the sign-ins waiting for their second step end. Answers how many
// sessions were live.
export async function revokeUser(client: PrismaClient, user: User): Promise<number> {
  return client.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { sessionVersion: { increment: 1 } } });
    const sessions = await endUserSessions(user.id, { client: tx });
    await tx.signInChallenge.updateMany({
      where: { userId: user.id, purpose: "signin", consumedAt: null },
      data: { consumedAt: new Date() },
    });
    await recordSecurityEvent(user.id, "operator_signed_out", OPERATOR_CONTEXT, OPERATOR_DETAIL, tx);
    return sessions;
  });
}

// Every row of the account goes (deleteAccount); then the address is told,
// as when its owner deletes it. null when there was no such account any more.
export async function deleteUser(client: PrismaClient, user: User): Promise<{ emailed: boolean } | null> {
  const deleted = await deleteAccount(user.id, OPERATOR_CONTEXT, "operator", client);
  if (!deleted) return null;
  const sent = await sendAccountDeletedEmail(deleted, OPERATOR_CONTEXT);
  return { emailed: sent.ok };
}

export async function pruneNow(client: PrismaClient, now = new Date()): Promise<PruneCounts> {
  return pruneAll(client, now);
}
