"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { safeCallbackPath } from "@/lib/auth/routes";
import { getUserById } from "@/lib/server/accounts/accounts";
import {
  claimChallengeAttempt,
  getPendingChallenge,
  markChallengeVerified,
  recordWrongCode,
} from "@/lib/server/sign-in/challenge";
import { completeSignIn } from "@/app/_components/complete-sign-in";
import { sendSignInCode } from "@/lib/server/factors/email-sign-in";
import { recordSecurityEvent } from "@/lib/server/accounts/events";
import { limitSubject, rememberDevice } from "@/lib/server/sign-in/known-device";
import {
  noticePartialSignIn,
  noticeRecoveryCodeUsed,
  noticeSignIn,
  METHOD_NAMES,
} from "@/lib/server/mail/notices";
import { claimWindowTry, countTowardNotice, resetTries } from "@/lib/server/platform/rate-limit";
import { keys, LIMITS, MESSAGES, retryMessage, triesLeftAfter } from "@/lib/server/policy";
import { getRequestContext } from "@/lib/server/platform/request-context";
import { orUnavailableForm } from "@/lib/server/platform/unavailable";
import { verifySecondFactor } from "@/lib/server/factors/two-factor";
import { emailCodeSchema, fieldErrors, recoveryCodeSchema, totpCodeSchema } from "@/lib/validations/auth";
import { formValue, type FormState } from "@/lib/validations/form-state";

const VerifySchema = z.discriminatedUnion("method", [
  z.object({ method: z.literal("totp"), code: totpCodeSchema }),
  z.object({ method: z.literal("recovery"), code: recoveryCodeSchema }),
  z.object({ method: z.literal("email"), code: emailCodeSchema }),
]);

const WRONG: Record<z.infer<typeof VerifySchema>["method"], string> = MESSAGES.wrongSignInCode;

export async function verifyAction(_previous: FormState, formData: FormData): Promise<FormState> {
  return orUnavailableForm(() => verify(formData), {});
}

async function verify(formData: FormData): Promise<FormState> {
  const challenge = await getPendingChallenge("signin");
  if (!challenge) redirect("/login?expired=1");
  const parsed = VerifySchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) {
    const errors = fieldErrors(parsed.error);
    return { errors: { code: errors.code ?? [MESSAGES.chooseVerifyMethod] } };
  }

  const limitKey = keys.codes(await limitSubject(challenge.userId));
  const limit = await claimWindowTry(limitKey, LIMITS.codesPerAccount);
  if (!limit.ok) return { message: retryMessage(limit.retryAfterSeconds) };
  if (!(await claimChallengeAttempt(challenge.id))) redirect("/login?expired=1");

  const { method, code } = parsed.data;
  const context = await getRequestContext();
  const result = await verifySecondFactor(challenge.userId, method, code, challenge.id);
  if (!result.ok) {
    await recordSecurityEvent(challenge.userId, "sign_in_failed_code", context, METHOD_NAMES[method]);
    const voided = await recordWrongCode(challenge.id);
    // ASVS 6.3.5: the password was right; its owner hears of it once the
    // account's wrong codes reach LIMITS.partialSignInNotice.max, counted across sign-ins (a fresh sign-in
    // every 4 wrong codes must not keep them silent), once a window.
    if (await countTowardNotice(keys.partialSignIn(challenge.userId), LIMITS.partialSignInNotice)) {
      const user = await getUserById(challenge.userId);
      if (user) await noticePartialSignIn(user, context);
    }
    if (voided) {
      await recordSecurityEvent(challenge.userId, "sign_in_stopped_at_code", context);
      redirect("/login?expired=1");
    }
    const left = triesLeftAfter(challenge.failedAttempts);
    if (left === 0) redirect("/login?expired=1");
    return {
      errors: { code: [WRONG[method]] },
      message: MESSAGES.triesLeft(left),
    };
  }

  await resetTries(limitKey);
  // Ended meanwhile: by a parallel fifth wrong code, or a password change.
  if (!(await markChallengeVerified(challenge.id))) redirect("/login?expired=1");
  await recordSecurityEvent(challenge.userId, "sign_in", context, METHOD_NAMES[method]);
  const user = await getUserById(challenge.userId);
  if (user) await noticeSignIn(user, context, method);
  let destination = safeCallbackPath(formValue(formData, "callbackUrl"));
  if (result.recoveryCodesLeft !== undefined) {
    await recordSecurityEvent(
      challenge.userId,
      "recovery_code_used",
      context,
      `${result.recoveryCodesLeft} left`,
    );
    if (user) await noticeRecoveryCodeUsed(user, context, result.recoveryCodesLeft);
    destination = "/dashboard";
  }
  await rememberDevice(challenge.userId);
  return completeSignIn(destination);
}

export type SendCodeState = FormState;

// "Email me a code": a new code for this sign-in, sent to the account's email.
export async function sendEmailCodeAction(
  _previous: SendCodeState,
  formData: FormData,
): Promise<SendCodeState> {
  return orUnavailableForm(() => sendEmailCode(formData), {});
}

async function sendEmailCode(formData: FormData): Promise<SendCodeState> {
  const challenge = await getPendingChallenge("signin");
  if (!challenge) redirect("/login?expired=1");
  const sent = await sendSignInCode(challenge);
  if (!sent.ok) return { message: sent.message };
  const callbackUrl = safeCallbackPath(formValue(formData, "callbackUrl"));
  redirect(`/login/verify?method=email&sent=1&callbackUrl=${encodeURIComponent(callbackUrl)}`);
}
