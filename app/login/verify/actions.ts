"use server";

import { redirect } from "next/navigation";
import { safeCallbackPath } from "@/lib/auth/routes";
import { completeSignIn } from "@/app/_components/complete-sign-in";
import { claimChallengeAttempt } from "@/lib/server/sign-in/challenge";
import { sendSignInCode } from "@/lib/server/factors/email-sign-in";
import { hasPasskey } from "@/lib/server/factors/passkey-store";
import { finishPasskeyAuthentication, startPasskeyAuthentication } from "@/lib/server/factors/passkeys";
import { claimWindowTry } from "@/lib/server/platform/rate-limit";
import { LIMITS, MESSAGES, PASSKEY_SIGN_IN_MESSAGES } from "@/lib/server/policy";
import { formAction } from "@/lib/server/sign-in/action";
import {
  acceptSecondStep,
  recordPasskeyRefusal,
  refuseSecondStep,
  secondStepLimitKey,
} from "@/lib/server/sign-in/second-step";
import { verifySecondFactor } from "@/lib/server/factors/two-factor";
import { verifySchema, type VerifyMethod } from "@/lib/validations/auth";
import { formValue, type FormState } from "@/lib/validations/form-state";
import { finishAuthenticationSchema, type PasskeyState } from "@/lib/validations/passkeys";

const WRONG: Record<VerifyMethod, string> = MESSAGES.wrongSignInCode;

export async function verifyAction(previous: FormState, formData: FormData): Promise<FormState> {
  return formAction({
    guard: "signin",
    path: "/login/verify",
    schema: verifySchema,
    limits: async ({ challenge }) =>
      claimWindowTry(await secondStepLimitKey(challenge.userId), LIMITS.codesPerAccount),
    run: async ({ challenge, data: { method, code }, formData, request }): Promise<FormState> => {
      if (!(await claimChallengeAttempt(challenge.id))) redirect("/login?expired=1");
      const result = await verifySecondFactor(challenge.userId, method, code, challenge.id);
      if (!result.ok) {
        const { left } = await refuseSecondStep({ challenge, method, request });
        return { errors: { code: [WRONG[method]] }, message: MESSAGES.triesLeft(left) };
      }
      const destination = await acceptSecondStep({
        challenge,
        method,
        request,
        callbackUrl: formValue(formData, "callbackUrl"),
        recoveryCodesLeft: result.recoveryCodesLeft,
      });
      return completeSignIn(destination);
    },
  })(previous, formData);
}

// "Use a passkey", first post: options for this account's passkeys, bound to
// this browser's pending sign-in.
export async function beginPasskeyStepAction(
  previous: PasskeyState,
  formData: FormData,
): Promise<PasskeyState> {
  return formAction({
    guard: "signin",
    path: "/login/verify",
    run: async ({ challenge }): Promise<PasskeyState> => {
      if (!(await hasPasskey(challenge.userId))) return { message: PASSKEY_SIGN_IN_MESSAGES.noPasskey };
      const binding = { userId: challenge.userId, signInChallengeId: challenge.id };
      return { options: { ceremony: "get", json: await startPasskeyAuthentication(binding) } };
    },
  })(previous, formData);
}

// Second post: the passkey's answer is a second step like a code, under the
// same limits; a refused one counts as a wrong code.
export async function finishPasskeyStepAction(
  previous: PasskeyState,
  formData: FormData,
): Promise<PasskeyState> {
  return formAction({
    guard: "signin",
    path: "/login/verify",
    schema: finishAuthenticationSchema,
    limits: async ({ challenge }) =>
      claimWindowTry(await secondStepLimitKey(challenge.userId), LIMITS.codesPerAccount),
    run: async ({ challenge, data: { response }, formData, request }): Promise<PasskeyState> => {
      if (!(await claimChallengeAttempt(challenge.id))) redirect("/login?expired=1");
      const result = await finishPasskeyAuthentication(response, {
        requireUserVerification: false,
        userId: challenge.userId,
        signInChallengeId: challenge.id,
      });
      if (!result.ok) {
        await recordPasskeyRefusal(result, request);
        const { left } = await refuseSecondStep({ challenge, method: "passkey", request });
        return { message: `${PASSKEY_SIGN_IN_MESSAGES.wrongPasskey} ${MESSAGES.triesLeft(left)}` };
      }
      const destination = await acceptSecondStep({
        challenge,
        method: "passkey",
        request,
        callbackUrl: formValue(formData, "callbackUrl"),
      });
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
