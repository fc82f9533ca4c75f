import "server-only";
import { redirect } from "next/navigation";
import { safeCallbackPath } from "@/lib/auth/routes";
import { getUserById } from "../accounts/accounts";
import { recordSecurityEvent } from "../accounts/events";
import type { AuthenticationFailure } from "../factors/passkeys";
import { METHOD_NAMES, noticePartialSignIn, noticeRecoveryCodeUsed, noticeSignIn } from "../mail/senders";
import { countTowardNotice, resetTries } from "../platform/rate-limit";
import type { RequestContext } from "../platform/request-context";
import { keys, LIMITS, PASSKEY_COUNTER_WENT_BACK, triesLeftAfter } from "../policy";
import { markChallengeVerified, recordWrongCode, type PendingChallenge } from "./challenge";
import { limitSubject, rememberDevice } from "./known-device";

// The two ends of a second step, whatever proved it (an authenticator code,
// an emailed or recovery code, a passkey): one code path for every way, so
// that a passkey counts exactly as a code does. The caller has claimed the
// try (`secondStepLimitKey`, then claimChallengeAttempt) before the check.
export type SecondStepMethod = keyof typeof METHOD_NAMES;

// This browser's (or, without a known-device cookie, the account's) wrong codes.
export const secondStepLimitKey = async (userId: string): Promise<string> =>
  keys.codes(await limitSubject(userId));

// The right factor: the challenge is verified, the account's tries are
// forgotten, the sign-in recorded and told, the browser remembered. Returns
// where completeSignIn goes (a recovery code's user to /dashboard, which
// reminds them to make new codes). Redirects to /login when the challenge
// ended meanwhile (a parallel fifth wrong code, a password change).
export async function acceptSecondStep(options: {
  challenge: PendingChallenge;
  method: SecondStepMethod;
  request: RequestContext;
  callbackUrl: string | null;
  recoveryCodesLeft?: number;
}): Promise<string> {
  const { challenge, method, request, recoveryCodesLeft } = options;
  await resetTries(await secondStepLimitKey(challenge.userId));
  if (!(await markChallengeVerified(challenge.id))) redirect("/login?expired=1");
  await recordSecurityEvent(challenge.userId, "sign_in", request, METHOD_NAMES[method]);
  const user = await getUserById(challenge.userId);
  if (user) await noticeSignIn(user, request, method);
  let destination = safeCallbackPath(options.callbackUrl);
  if (recoveryCodesLeft !== undefined) {
    await recordSecurityEvent(challenge.userId, "recovery_code_used", request, `${recoveryCodesLeft} left`);
    if (user) await noticeRecoveryCodeUsed(user, request, recoveryCodesLeft);
    destination = "/dashboard";
  }
  await rememberDevice(challenge.userId);
  return destination;
}

// A wrong factor: recorded, counted on the challenge (the fifth voids it and
// redirects to /login), and toward the partial sign-in notice. Returns the
// tries this sign-in has left (at least 1).
export async function refuseSecondStep(options: {
  challenge: PendingChallenge;
  method: SecondStepMethod;
  request: RequestContext;
}): Promise<{ left: number }> {
  const { challenge, method, request } = options;
  await recordSecurityEvent(challenge.userId, "sign_in_failed_code", request, METHOD_NAMES[method]);
  const voided = await recordWrongCode(challenge.id);
  // ASVS 6.3.5: the password was right; its owner hears of it once the
  // account's wrong codes reach LIMITS.partialSignInNotice.max, counted across sign-ins (a fresh sign-in
  // every 4 wrong codes must not keep them silent), once a window.
  if (await countTowardNotice(keys.partialSignIn(challenge.userId), LIMITS.partialSignInNotice)) {
    const user = await getUserById(challenge.userId);
    if (user) await noticePartialSignIn(user, request);
  }
  if (voided) {
    await recordSecurityEvent(challenge.userId, "sign_in_stopped_at_code", request);
    redirect("/login?expired=1");
  }
  const left = triesLeftAfter(challenge.failedAttempts);
  if (left === 0) redirect("/login?expired=1");
  return { left };
}

// W3C WebAuthn §6.1.1: a signature counter that went back may be a cloned
// authenticator; the account's owner sees it among the security events.
export async function recordPasskeyRefusal(
  failure: { reason: AuthenticationFailure; userId?: string },
  request: RequestContext,
): Promise<void> {
  if (failure.reason === "counter" && failure.userId)
    await recordSecurityEvent(failure.userId, "passkey_refused", request, PASSKEY_COUNTER_WENT_BACK);
}
