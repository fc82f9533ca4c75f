import "server-only";
import type { Prisma, PrismaClient, User } from "@prisma/client";
import { db } from "../platform/db";
import { ACCOUNT_CODES } from "../policy";

// DESIGN.md §4: an unverified account holds its address for at most 24 hours;
// after that a new registration (or an email change) may take the address
// over. Only an account that never proved anything loses it: unverified and
// without a second factor. Accounts from before email verification that have
// a factor stay unverified (issue 13, item 6) but keep their address, since
// their owners sign in with it.

type Holder = Pick<User, "emailVerifiedAt" | "twoFactorMethod" | "createdAt">;

const holdEndsBefore = (now: Date): Date => new Date(now.getTime() - ACCOUNT_CODES.unverifiedHoldMs);

export const isStaleHolder = (user: Holder, now = new Date()): boolean =>
  user.emailVerifiedAt === null && user.twoFactorMethod === null && user.createdAt <= holdEndsBefore(now);

// Run inside the transaction that then claims the address (registration,
// confirmEmailChange): deletes the stale account holding it, with every row
// of it (cascade), and frees its username too. True when one was deleted.
export async function releaseStaleAddress(
  email: string,
  tx: Prisma.TransactionClient,
  now = new Date(),
): Promise<boolean> {
  const { count } = await tx.user.deleteMany({
    where: { email, emailVerifiedAt: null, twoFactorMethod: null, createdAt: { lte: holdEndsBefore(now) } },
  });
  return count > 0;
}

// Whether an account holds the address and may keep it.
export async function isAddressTaken(
  email: string,
  now = new Date(),
  client: Prisma.TransactionClient | PrismaClient = db,
): Promise<boolean> {
  const holder = await client.user.findUnique({
    where: { email },
    select: { emailVerifiedAt: true, twoFactorMethod: true, createdAt: true },
  });
  return holder !== null && !isStaleHolder(holder, now);
}
