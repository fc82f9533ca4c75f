import "server-only";
import { randomBytes } from "node:crypto";
import type { AccountCode, Prisma } from "@prisma/client";
import { db } from "../platform/db";
import { env } from "../platform/env";
import type { RequestContext } from "../platform/request-context";
import { ACCOUNT_CODES } from "../policy";
import {
  claimCodeEmail,
  hashAccountToken,
  storeAccountCode,
  voidAccountCodes,
  type Limited,
} from "./account-codes";
import { recordSecurityEvent } from "./events";
import { endUserSessions } from "../sign-in/sessions";

// DESIGN.md §4 "Password reset": an emailed link (256 random bits, stored as
// a keyed hash, 30 minutes, single use, a newer one voids the older) opens a
// reset that needs the account's second factor first, proven in the browser
// that then chooses the password. It never signs in.

const PURPOSE = "reset_password";
// base64url of ACCOUNT_CODES.resetTokenBytes (and browserSecretBytes) bytes.
const secretFormat = (bytes: number) => new RegExp(`^[A-Za-z0-9_-]{${Math.ceil((bytes * 4) / 3)}}$`);
const TOKEN_FORMAT = secretFormat(ACCOUNT_CODES.resetTokenBytes);
const BROWSER_SECRET_FORMAT = secretFormat(ACCOUNT_CODES.browserSecretBytes);

const hashToken = (token: string): string => hashAccountToken(PURPOSE, token);
const hashBrowserSecret = (secret: string): string => hashAccountToken(`${PURPOSE}:browser`, secret);

export function resetLink(token: string): string {
  const url = new URL("/reset-password", env.APP_URL);
  url.searchParams.set("token", token);
  return url.toString();
}

export type IssuedResetLink =
  | { ok: true; token: string; link: string; email: string; expiresAt: Date }
  | Limited
  // No account, or one whose address is not verified: nothing is sent, and
  // the caller gives the same answer as for a sent link.
  | { ok: false; reason: "not_eligible" };

// The send is claimed for every request (the IP's limit whatever the account;
// the account's only for one that gets a link), so the limits say nothing of
// whether the account exists: pass `null` for a name with no account.
export async function issueResetLink(
  userId: string | null,
  ip: string,
  now = new Date(),
): Promise<IssuedResetLink> {
  const user = userId
    ? await db.user.findUnique({ where: { id: userId }, select: { email: true, emailVerifiedAt: true } })
    : null;
  const eligible = user !== null && user.emailVerifiedAt !== null;
  const limit = await claimCodeEmail(eligible ? userId : null, ip, now);
  if (!limit.ok) return limit;
  if (!eligible || !userId) return { ok: false, reason: "not_eligible" };
  const token = randomBytes(ACCOUNT_CODES.resetTokenBytes).toString("base64url");
  const row = await storeAccountCode(
    { userId, purpose: PURPOSE, email: user.email, secretHash: hashToken(token) },
    now,
  );
  return { ok: true, token, link: resetLink(token), email: user.email, expiresAt: row.expiresAt };
}

export type ResetView = {
  id: string;
  userId: string;
  username: string;
  email: string;
  // "totp", "email" or null (no factor yet): which factors the page offers.
  twoFactorMethod: string | null;
  factorVerified: boolean;
  expiresAt: Date;
};

export type ResetRefusal = { ok: false; reason: "invalid" | "expired" };

const isLive = (row: AccountCode | null, now: Date): row is AccountCode =>
  row !== null && row.purpose === PURPOSE && !row.consumedAt && !row.voidedAt && row.expiresAt > now;

// Why a link that is not live cannot be used.
const refusal = (row: AccountCode | null, now: Date): ResetRefusal =>
  row?.purpose === PURPOSE && !row.consumedAt && !row.voidedAt && row.expiresAt <= now
    ? { ok: false, reason: "expired" }
    : { ok: false, reason: "invalid" };

const findRow = (token: string, client: Prisma.TransactionClient = db) =>
  TOKEN_FORMAT.test(token)
    ? client.accountCode.findUnique({ where: { secretHash: hashToken(token) } })
    : null;

const liveReset = (token: string, now: Date) => ({
  secretHash: hashToken(token),
  purpose: PURPOSE,
  consumedAt: null,
  voidedAt: null,
  expiresAt: { gt: now },
});

// The reset a link names, if it can still be used.
export async function findReset(
  token: string,
  now = new Date(),
): Promise<{ ok: true; reset: ResetView } | ResetRefusal> {
  const row = await findRow(token);
  if (!isLive(row, now)) return refusal(row, now);
  const user = await db.user.findUniqueOrThrow({
    where: { id: row.userId },
    select: { username: true, email: true, twoFactorMethod: true },
  });
  return {
    ok: true,
    reset: {
      id: row.id,
      userId: row.userId,
      username: user.username,
      email: user.email,
      twoFactorMethod: user.twoFactorMethod,
      factorVerified: row.factorVerifiedAt !== null,
      expiresAt: row.expiresAt,
    },
  };
}

// Call once the caller has checked the account's second factor for this
// reset. Binds the proof to the reset and to this browser: the secret
// returned goes into an HttpOnly cookie, and completeReset wants it back.
// Once only; `already_verified` if the factor was proven before (in this
// browser or another).
export async function markResetFactorVerified(
  token: string,
  now = new Date(),
): Promise<{ ok: true; browserSecret: string } | ResetRefusal | { ok: false; reason: "already_verified" }> {
  const browserSecret = randomBytes(ACCOUNT_CODES.browserSecretBytes).toString("base64url");
  const { count } = TOKEN_FORMAT.test(token)
    ? await db.accountCode.updateMany({
        where: { ...liveReset(token, now), factorVerifiedAt: null },
        data: { factorVerifiedAt: now, browserHash: hashBrowserSecret(browserSecret) },
      })
    : { count: 0 };
  if (count === 1) return { ok: true, browserSecret };
  const row = await findRow(token);
  if (isLive(row, now) && row.factorVerifiedAt) return { ok: false, reason: "already_verified" };
  return refusal(row, now);
}

export type CompletedReset = { ok: true; userId: string; username: string; email: string };

// One transaction: the link is used up (only if its factor was proven in
// this browser), the password replaced, the session version bumped (every
// session and access token of the account is revoked), every pending
// sign-in, enrolment and re-authentication ended, the account's other reset
// links and email-change codes voided, and `password_reset` recorded. It
// never signs in. `passwordHash` comes from hashPassword, after the caller
// checked the new password (registration rules, not the current one).
export async function completeReset(
  token: string,
  browserSecret: string,
  passwordHash: string,
  context: RequestContext,
  now = new Date(),
): Promise<CompletedReset | ResetRefusal | { ok: false; reason: "factor_required" }> {
  if (!TOKEN_FORMAT.test(token)) return { ok: false, reason: "invalid" };
  const bound = BROWSER_SECRET_FORMAT.test(browserSecret) ? hashBrowserSecret(browserSecret) : null;
  return db.$transaction(async (tx) => {
    const { count } = bound
      ? await tx.accountCode.updateMany({
          where: { ...liveReset(token, now), factorVerifiedAt: { not: null }, browserHash: bound },
          data: { consumedAt: now },
        })
      : { count: 0 };
    const row = await findRow(token, tx);
    if (count !== 1 || !row) {
      // Live, but its factor not proven, or proven in another browser.
      return isLive(row, now) ? ({ ok: false, reason: "factor_required" } as const) : refusal(row, now);
    }
    const user = await tx.user.update({
      where: { id: row.userId },
      data: { passwordHash, sessionVersion: { increment: 1 } },
      select: { id: true, username: true, email: true },
    });
    await tx.signInChallenge.updateMany({
      where: { userId: user.id, consumedAt: null },
      data: { consumedAt: now },
    });
    await endUserSessions(user.id, { client: tx, now });
    await voidAccountCodes(tx, user.id, [PURPOSE, "change_email"], now);
    await recordSecurityEvent(user.id, "password_reset", context, undefined, tx);
    return { ok: true, userId: user.id, username: user.username, email: user.email } as const;
  });
}
