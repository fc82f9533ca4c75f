import "server-only";
import type { PrismaClient, User } from "@prisma/client";
import { db } from "../platform/db";
import type { RequestContext } from "../platform/request-context";
import { ACCOUNT_DELETED_DETAIL } from "../policy";
import { accountRateLimits } from "./account-limits";
import { recordSecurityEvent } from "./events";

export type DeletedBy = keyof typeof ACCOUNT_DELETED_DETAIL;
export type DeletedAccount = Pick<User, "id" | "username" | "email">;

// Deletes the account and every row of it, in one transaction, so that its
// username and address can be registered again: the user row, and with it
// (the schema's onDelete: Cascade) its factor, recovery codes, passkeys,
// challenges, codes, access tokens, ended sessions and security events; then
// the rate-limit rows that count for it (./account-limits.ts). One event
// stays, without the account (userId null) and without its name: "account
// deleted", by whom, from which request. Null when there is no such account.
// The caller sends the confirmation to the returned address.
export async function deleteAccount(
  userId: string,
  context: RequestContext,
  by: DeletedBy,
  client: PrismaClient = db,
): Promise<DeletedAccount | null> {
  return client.$transaction(async (tx) => {
    const user = await tx.user.findUnique({
      where: { id: userId },
      select: { id: true, username: true, email: true },
    });
    if (!user) return null;
    await tx.user.delete({ where: { id: userId } });
    await tx.rateLimit.deleteMany({ where: accountRateLimits(user) });
    await recordSecurityEvent(null, "account_deleted", context, ACCOUNT_DELETED_DETAIL[by], tx);
    return user;
  });
}
