"use server";

import { redirect } from "next/navigation";
import { safeCallbackPath } from "@/lib/auth/routes";
import { getUserById } from "@/lib/server/accounts/accounts";
import {
  claimChallengeAttempt,
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
} from "@/lib/server/mail/senders";
import { claimWindowTry, countTowardNotice, resetTries } from "@/lib/server/platform/rate-limit";
import { keys, LIMITS, MESSAGES, triesLeftAfter } from "@/lib/server/policy";
import { formAction } from "@/lib/server/sign-in/action";
import { verifySecondFactor } from "@/lib/server/factors/two-factor";
import { verifySchema, type VerifyMethod } from "@/lib/validations/auth";
import { formValue, type FormState } from "@/lib/validations/form-state";

const WRONG: Record<VerifyMethod, string> = MESSAGES.wrongSignInCode;

// This browser's (or, without a known-device cookie, the account's) wrong codes.
const codeLimitKey = async (userId: string): Promise<string> => keys.codes(await limitSubject(userId));

export async function verifyAction(previous: FormState, formData: FormData): Promise<FormState> {
  return formAction({
    guard: "signin",
    path: "/login/verify",
    schema: verifySchema,
    limits: async ({ challenge }) =>
      claimWindowTry(await codeLimitKey(challenge.userId), LIMITS.codesPerAccount),
    run: async ({ challenge, data: { method, code }, formData, request }): Promise<FormState> => {
      if (!(await claimChallengeAttempt(challenge.id))) redirect("/login?expired=1");
      const result = await verifySecondFactor(challenge.userId, method, code, challenge.id);
      if (!result.ok) {
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
        return {
          errors: { code: [WRONG[method]] },
          message: MESSAGES.triesLeft(left),
        };
      }

      await resetTries(await codeLimitKey(challenge.userId));
      // Ended meanwhile: by a parallel fifth wrong code, or a password change.
      if (!(await markChallengeVerified(challenge.id))) redirect("/login?expired=1");
      await recordSecurityEvent(challenge.userId, "sign_in", request, METHOD_NAMES[method]);
      const user = await getUserById(challenge.userId);
      if (user) await noticeSignIn(user, request, method);
      let destination = safeCallbackPath(formValue(formData, "callbackUrl"));
      if (result.recoveryCodesLeft !== undefined) {
        await recordSecurityEvent(
          challenge.userId,
          "recovery_code_used",
          request,
          `${result.recoveryCodesLeft} left`,
        );
        if (user) await noticeRecoveryCodeUsed(user, request, result.recoveryCodesLeft);
        destination = "/dashboard";
      }
      await rememberDevice(challenge.userId);
      return completeSignIn(destination);
    },
  })(previous, formData);
}

export type SendCodeState = FormState;

// "Email me a code": a new code for this sign-in, sent to the account's email.
export async function sendEmailCodeAction(
  previous: SendCodeState,
  formData: FormData,
): Promise<SendCodeState> {
  return formAction({
    guard: "signin",
    path: "/login/verify",
    run: async ({ challenge, formData }): Promise<SendCodeState> => {
      const sent = await sendSignInCode(challenge);
      if (!sent.ok) return { message: sent.message };
      const callbackUrl = safeCallbackPath(formValue(formData, "callbackUrl"));
      redirect(`/login/verify?method=email&sent=1&callbackUrl=${encodeURIComponent(callbackUrl)}`);
    },
  })(previous, formData);
}
