import "server-only";
import { db } from "../platform/db";
import type { RequestContext } from "../platform/request-context";
import {
  checkAccountCode,
  consumeAccountCode,
  issueAccountCode,
  type CodeCheck,
  type CodePurpose,
  type IssuedAccountCode,
} from "./account-codes";
import { confirmEmailChange, type EmailChangeVerdict } from "./email-change";
import { recordSecurityEvent } from "./events";

// DESIGN.md §4 "Email verification": a code (and a link carrying it) proves
// the address; numbers in ../policy.ts (ACCOUNT_CODES, ACCOUNT_CODE_LIMITS).

export type IssuedVerificationCode = IssuedAccountCode;

// A code for `email` ("verify_email": the account's address; "change_email":
// the new one, see startEmailChange), voiding the account's older code of the
// purpose; at most 3 per 15 minutes per account and 10 per hour per IP.
export function issueVerificationCode(
  userId: string,
  email: string,
  purpose: CodePurpose,
  ip: string,
  now = new Date(),
): Promise<IssuedVerificationCode> {
  return issueAccountCode(userId, email, purpose, ip, now);
}

export type EmailCodeVerdict =
  { ok: true; email: string } | Exclude<CodeCheck, { ok: true }> | Exclude<EmailChangeVerdict, { ok: true }>;

// Takes a code (typed, or from the link). "verify_email" marks the account's
// address verified; "change_email" makes the new address the account's
// (confirmEmailChange). A right code works once: of two requests holding it,
// one gets ok and the other "none".
export async function verifyEmailCode(
  userId: string,
  purpose: CodePurpose,
  code: string,
  context: RequestContext,
  now = new Date(),
): Promise<EmailCodeVerdict> {
  if (purpose === "change_email") return confirmEmailChange(userId, code, context, now);
  const check = await checkAccountCode(userId, purpose, code, now);
  if (!check.ok) return check;
  const { row } = check;
  return db.$transaction(async (tx) => {
    if (!(await consumeAccountCode(tx, row.id, now))) return { ok: false, reason: "none" } as const;
    // A code proves the address it was sent to, and only while the account has it.
    const { count } = await tx.user.updateMany({
      where: { id: userId, email: row.email },
      data: { emailVerifiedAt: now },
    });
    if (count !== 1) return { ok: false, reason: "none" } as const;
    await recordSecurityEvent(userId, "email_verified", context, undefined, tx);
    return { ok: true, email: row.email } as const;
  });
}

export async function isEmailVerified(userId: string): Promise<boolean> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { emailVerifiedAt: true } });
  return Boolean(user?.emailVerifiedAt);
}

// The address the account's newest unused code of `purpose` was sent to
// (for "change_email", the new address waiting for its code; expired or
// voided codes count, so that "Send a new code" can replace them), or null.
export async function pendingCodeAddress(userId: string, purpose: CodePurpose): Promise<string | null> {
  const row = await db.accountCode.findFirst({
    where: { userId, purpose, consumedAt: null },
    orderBy: { createdAt: "desc" },
    select: { email: true },
  });
  return row?.email ?? null;
}
