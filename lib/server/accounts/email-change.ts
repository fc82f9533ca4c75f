import "server-only";
import { Prisma } from "@prisma/client";
import { db } from "../platform/db";
import type { RequestContext } from "../platform/request-context";
import {
  checkAccountCode,
  claimCodeEmail,
  consumeAccountCode,
  createAccountCode,
  voidAccountCodes,
  type CodeCheck,
  type IssuedAccountCode,
  type Limited,
} from "./account-codes";
import { isAddressTaken, releaseStaleAddress } from "./address-hold";
import { recordSecurityEvent } from "./events";

// DESIGN.md §4 "Email change": the new address gets a code, and becomes the
// account's only when the code comes back. Until then every email, emailed
// sign-in codes included, still goes to the old address.

export type EmailChangeStart = IssuedAccountCode | { ok: false; reason: "same_email" | "email_taken" };

// `newEmail` arrives normalised (the schema). The caller has re-authenticated
// the user (password and a current factor). The send is claimed before the
// address is looked up, so probing for taken addresses costs sends.
export async function startEmailChange(
  userId: string,
  newEmail: string,
  ip: string,
  now = new Date(),
): Promise<EmailChangeStart> {
  const user = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true } });
  if (user.email === newEmail) return { ok: false, reason: "same_email" };
  const limit = await claimCodeEmail(userId, ip, now);
  if (!limit.ok) return limit;
  if (await isAddressTaken(newEmail, now)) return { ok: false, reason: "email_taken" };
  return createAccountCode(userId, newEmail, "change_email", now);
}

export type EmailChangeRequest =
  | { ok: true; deliver: boolean; code: string; link: string; expiresAt: Date }
  | Limited
  | { ok: false; reason: "same_email" };

// startEmailChange for a form that must not tell which addresses have an
// account (the settings page; /verify-email's "Send a new code"). A taken
// address is answered like a free one: the send counted, a code stored for
// it, so that the pages name it as any pending change; but `deliver` is
// false: nothing is sent, and no one ever holds the code. Were it guessed,
// confirmEmailChange would still stop at the unique address (email_taken).
export async function requestEmailChange(
  userId: string,
  newEmail: string,
  ip: string,
  now = new Date(),
): Promise<EmailChangeRequest> {
  const started = await startEmailChange(userId, newEmail, ip, now);
  if (started.ok) return { ...started, deliver: true };
  if (started.reason === "limited") return started;
  if (started.reason === "same_email") return { ok: false, reason: "same_email" };
  return { ...(await createAccountCode(userId, newEmail, "change_email", now)), deliver: false };
}

export type EmailChangeVerdict =
  | { ok: true; email: string; previousEmail: string }
  | Exclude<CodeCheck, { ok: true }>
  | { ok: false; reason: "email_taken" };

const isUniqueViolation = (error: unknown): boolean =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";

// The change takes effect here, in one transaction: the code is used up, a
// stale unverified holder of the address is released, the address is set
// (verified), links and codes sent to the old address are voided, and the
// event is recorded. An address taken meanwhile is `email_taken`, and the code
// is voided, since it can no longer do anything.
export async function confirmEmailChange(
  userId: string,
  code: string,
  context: RequestContext,
  now = new Date(),
): Promise<EmailChangeVerdict> {
  const check = await checkAccountCode(userId, "change_email", code, now);
  if (!check.ok) return check;
  const { row } = check;
  try {
    return await db.$transaction(async (tx) => {
      if (!(await consumeAccountCode(tx, row.id, now))) return { ok: false, reason: "none" } as const;
      const { email: previousEmail } = await tx.user.findUniqueOrThrow({
        where: { id: userId },
        select: { email: true },
      });
      await releaseStaleAddress(row.email, tx, now);
      await tx.user.update({ where: { id: userId }, data: { email: row.email, emailVerifiedAt: now } });
      await voidAccountCodes(tx, userId, ["verify_email", "reset_password"], now);
      await recordSecurityEvent(userId, "email_changed", context, undefined, tx);
      return { ok: true, email: row.email, previousEmail } as const;
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    await db.accountCode.updateMany({
      where: { id: row.id, consumedAt: null, voidedAt: null },
      data: { voidedAt: now },
    });
    return { ok: false, reason: "email_taken" };
  }
}

export type PendingEmailChange = { email: string; expiresAt: Date };

// The change waiting for its code, if any: the settings page says where the
// code went (masked) and links to /verify-email.
export async function findPendingEmailChange(
  userId: string,
  now = new Date(),
): Promise<PendingEmailChange | null> {
  return db.accountCode.findFirst({
    where: { userId, purpose: "change_email", consumedAt: null, voidedAt: null, expiresAt: { gt: now } },
    orderBy: { createdAt: "desc" },
    select: { email: true, expiresAt: true },
  });
}
