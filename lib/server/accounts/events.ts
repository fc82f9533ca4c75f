import "server-only";
import type { Prisma } from "@prisma/client";
import { db } from "../platform/db";
import type { RequestContext } from "../platform/request-context";

export type SecurityEventType =
  | "registered"
  | "two_factor_enabled"
  | "two_factor_reenrolled"
  | "sign_in"
  | "sign_in_failed_password"
  | "sign_in_failed_code"
  | "sign_in_stopped_at_code"
  | "recovery_code_used"
  | "recovery_codes_regenerated"
  | "signed_out_everywhere"
  | "password_changed"
  | "email_verified"
  | "email_changed"
  | "email_change_requested"
  | "password_reset"
  | "registration_attempted"
  | "passkey_added"
  | "passkey_renamed"
  | "passkey_removed"
  | "passkey_refused"
  // Issue 15: the operator CLI (lib/server/operator/) and account deletion.
  | "operator_reset_2fa"
  | "operator_unlocked"
  | "operator_signed_out"
  | "account_deleted"
  | "session_revoked"
  | "access_token_revoked";

export const EVENT_LABELS: Record<SecurityEventType, string> = {
  registered: "Account created",
  two_factor_enabled: "Two-factor authentication turned on",
  two_factor_reenrolled: "New authenticator app set up",
  sign_in: "Signed in",
  sign_in_failed_password: "Failed sign-in: wrong password",
  sign_in_failed_code: "Failed sign-in: wrong code",
  sign_in_stopped_at_code: "Sign-in stopped: right password, then 5 wrong codes",
  recovery_code_used: "Recovery code used",
  recovery_codes_regenerated: "Recovery codes regenerated",
  signed_out_everywhere: "Signed out everywhere",
  password_changed: "Password changed",
  email_verified: "Email address verified",
  email_changed: "Email address changed",
  email_change_requested: "Email change started",
  password_reset: "Password reset by email link",
  registration_attempted: "Someone tried to register with your email address",
  passkey_added: "Passkey added",
  passkey_renamed: "Passkey renamed",
  passkey_removed: "Passkey removed",
  // W3C WebAuthn §6.1.1: a signature counter that went back (a cloned
  // authenticator?), or a passkey that failed its check.
  passkey_refused: "A passkey was refused",
  operator_reset_2fa: "Two-factor reset by an operator",
  operator_unlocked: "Sign-in limits cleared by an operator",
  operator_signed_out: "Signed out everywhere by an operator",
  // Kept without the account (userId null): its every other row is gone.
  account_deleted: "Account deleted",
  session_revoked: "Signed out a session",
  access_token_revoked: "Access token revoked",
};

// userId is null for a failed sign-in to a name that has no account. Inside a
// transaction, pass its client so the event commits with the change.
export async function recordSecurityEvent(
  userId: string | null,
  type: SecurityEventType,
  context: RequestContext,
  detail?: string,
  client: Prisma.TransactionClient = db,
): Promise<void> {
  await client.securityEvent.create({
    data: { userId, type, ip: context.ip, userAgent: context.userAgent, detail },
  });
}

export type SecurityEventView = {
  id: string;
  label: string;
  detail: string | null;
  ip: string | null;
  userAgent: string | null;
  createdAt: Date;
};

export async function listRecentSecurityEvents(userId: string, take = 20): Promise<SecurityEventView[]> {
  const rows = await db.securityEvent.findMany({
    where: { userId },
    orderBy: { createdAt: "desc" },
    take,
  });
  return rows.map((row) => ({
    id: row.id,
    label: EVENT_LABELS[row.type as SecurityEventType] ?? row.type,
    detail: row.detail,
    ip: row.ip,
    userAgent: row.userAgent,
    createdAt: row.createdAt,
  }));
}
