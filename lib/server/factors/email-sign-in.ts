import "server-only";
import { getUserById } from "../accounts/accounts";
import type { PendingChallenge } from "../sign-in/challenge";
import { db } from "../platform/db";
import { issueEmailCode, voidEmailCodes } from "./email-codes";
import { env } from "../platform/env";
import { sendSignInCodeEmail } from "../mail/senders";
import { releaseWindowTry } from "../platform/rate-limit";
import { EMAIL_CODE_TTL_MINUTES, keys, MESSAGES, retryMessage } from "../policy";

export type SendCodeResult = { ok: true } | { ok: false; message: string };

export const EMAIL_CODES_OFF =
  "Emailed codes are turned off on this server. Use your authenticator app or a recovery code.";

// Issues a code for this challenge and emails it. A failed send gives the
// try back and leaves the challenge as it was, so the user can simply retry.
export async function sendSignInCode(challenge: PendingChallenge): Promise<SendCodeResult> {
  if (!env.EMAIL_SECOND_FACTOR) return { ok: false, message: EMAIL_CODES_OFF };
  const user = await getUserById(challenge.userId);
  if (!user) return { ok: false, message: MESSAGES.signInExpired };
  const issued = await issueEmailCode(user.id, challenge.id);
  if (!issued.ok) return { ok: false, message: retryMessage(issued.retryAfterSeconds) };
  const sent = await sendSignInCodeEmail(user.email, {
    username: user.username,
    code: issued.code,
    expiresInMinutes: EMAIL_CODE_TTL_MINUTES,
  });
  if (sent.ok) return { ok: true };
  await Promise.all([voidEmailCodes(challenge.id), releaseWindowTry(keys.emailCodeSends(user.id))]);
  return {
    ok: false,
    message: MESSAGES.codeEmailFailed,
  };
}

export type ArrivalSend = { sent: boolean; message?: string };

// An email user arriving at /login/verify is sent a code at once, without
// clicking. Loading the page is a GET that a reload or a prefetch repeats, so
// the send is claimed on the challenge by one conditional update: once per
// sign-in, and within the account's 3 sends per 15 minutes like any other.
export async function sendCodeOnArrival(challenge: PendingChallenge): Promise<ArrivalSend> {
  if (!env.EMAIL_SECOND_FACTOR) return { sent: false };
  const { count } = await db.signInChallenge.updateMany({
    where: { id: challenge.id, purpose: "signin", codeSentOnArrivalAt: null, consumedAt: null },
    data: { codeSentOnArrivalAt: new Date() },
  });
  if (count !== 1) return { sent: false };
  const result = await sendSignInCode(challenge);
  return result.ok ? { sent: true } : { sent: false, message: result.message };
}

// Where the pages have always found it; the mail layer uses it too.
export { maskEmail } from "../platform/request-labels";
