"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { claimChallengeAttempt, getPendingChallenge, markChallengeVerified } from "@/lib/server/challenge";
import { completeSignIn } from "@/lib/server/complete-sign-in";
import { recordSecurityEvent } from "@/lib/server/events";
import { claimWindowTry, LIMITS, resetTries, retryMessage } from "@/lib/server/rate-limit";
import { getRequestContext } from "@/lib/server/request-context";
import { confirmTotpEnrolment } from "@/lib/server/two-factor";
import { fieldErrors, totpCodeSchema } from "@/lib/validations/auth";
import type { FormState } from "@/lib/validations/form-state";

export type SetupState = FormState & { recoveryCodes?: string[] };

const expired: SetupState = {
  message: "Your setup session has expired. Sign in again to finish setting up two-factor authentication.",
};
const ConfirmSchema = z.object({ code: totpCodeSchema });

export async function confirmSetupAction(_previous: SetupState, formData: FormData): Promise<SetupState> {
  const challenge = await getPendingChallenge("enrol");
  if (!challenge || challenge.verified) return expired;
  const parsed = ConfirmSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { errors: fieldErrors(parsed.error) };

  const limitKey = `code:account:${challenge.userId}`;
  const limit = await claimWindowTry(limitKey, LIMITS.codesPerAccount);
  if (!limit.ok) return { message: retryMessage(limit.retryAfterSeconds) };
  if (!(await claimChallengeAttempt(challenge.id))) return expired;

  const recoveryCodes = await confirmTotpEnrolment(challenge.userId, parsed.data.code);
  if (!recoveryCodes) {
    return {
      errors: { code: ["That code is not right. Check that your phone's clock is correct and try again."] },
    };
  }
  await resetTries(limitKey);
  await markChallengeVerified(challenge.id);
  await recordSecurityEvent(
    challenge.userId,
    "two_factor_enabled",
    await getRequestContext(),
    "authenticator app",
  );
  return { recoveryCodes };
}

export async function continueAfterSetupAction(): Promise<void> {
  const challenge = await getPendingChallenge("enrol");
  if (!challenge?.verified) redirect("/login?expired=1");
  await completeSignIn("/dashboard");
}
