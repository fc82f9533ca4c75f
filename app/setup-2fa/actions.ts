"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getUserById } from "@/lib/server/accounts/accounts";
import {
  claimChallengeAttempt,
  clearChallengeCookie,
  endEnrolments,
  getPendingChallenge,
} from "@/lib/server/sign-in/challenge";
import { completeSignIn } from "@/app/_components/complete-sign-in";
import { consumeEmailCode } from "@/lib/server/factors/email-codes";
import { sendSignInCode } from "@/lib/server/factors/email-sign-in";
import { confirmTotpEnrolment, enableEmailSecondFactor } from "@/lib/server/factors/enrolment";
import { env } from "@/lib/server/platform/env";
import { recordSecurityEvent } from "@/lib/server/accounts/events";
import { rememberDevice } from "@/lib/server/sign-in/known-device";
import { noticeWelcome } from "@/lib/server/mail/notices";
import { claimWindowTry, resetTries } from "@/lib/server/platform/rate-limit";
import { keys, LIMITS, MESSAGES, retryMessage, subjects } from "@/lib/server/policy";
import { getRequestContext } from "@/lib/server/platform/request-context";
import { orUnavailableForm, orUnavailablePage } from "@/lib/server/platform/unavailable";
import { emailCodeSchema, fieldErrors, totpCodeSchema } from "@/lib/validations/auth";
import type { FormState } from "@/lib/validations/form-state";

export type SetupState = FormState;

const expired: SetupState = {
  message: MESSAGES.setupExpired,
};
const TotpSchema = z.object({ code: totpCodeSchema });
const EmailSchema = z.object({ code: emailCodeSchema });

type Method = "totp" | "email";
const WRONG: Record<Method, string> = MESSAGES.wrongSetupCode;

// The first code turns 2FA on: guarded like a sign-in (tries per account and
// per challenge), checked against what THIS browser's challenge was shown.
// The recovery codes are then kept on the challenge and the page renders
// them, with or without JavaScript, until Continue.
async function confirmEnrolment(method: Method, formData: FormData): Promise<SetupState> {
  const challenge = await getPendingChallenge("enrol");
  if (!challenge || challenge.verified) return expired;
  if (method === "email" && !env.EMAIL_SECOND_FACTOR) return { message: MESSAGES.emailCodesOff };
  const parsed = (method === "totp" ? TotpSchema : EmailSchema).safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { errors: fieldErrors(parsed.error) };

  const limitKey = keys.codes(subjects.account(challenge.userId));
  const limit = await claimWindowTry(limitKey, LIMITS.codesPerAccount);
  if (!limit.ok) return { message: retryMessage(limit.retryAfterSeconds) };
  if (!(await claimChallengeAttempt(challenge.id))) return expired;

  const enabled =
    method === "totp"
      ? await confirmTotpEnrolment(challenge.id, challenge.userId, parsed.data.code)
      : (await consumeEmailCode(challenge.id, parsed.data.code)) &&
        (await enableEmailSecondFactor(challenge.id, challenge.userId));
  if (!enabled) return { errors: { code: [WRONG[method]] } };

  await resetTries(limitKey);
  const detail = method === "totp" ? "authenticator app" : "emailed codes";
  await recordSecurityEvent(challenge.userId, "two_factor_enabled", await getRequestContext(), detail);
  const user = await getUserById(challenge.userId);
  if (user) await noticeWelcome(user);
  // The header too (the layout): its Cancel goes once 2FA is on.
  revalidatePath("/", "layout");
  redirect("/setup-2fa");
}

export async function confirmSetupAction(_previous: SetupState, formData: FormData): Promise<SetupState> {
  return orUnavailableForm(() => confirmEnrolment("totp", formData), {});
}

export async function confirmEmailSetupAction(
  _previous: SetupState,
  formData: FormData,
): Promise<SetupState> {
  return orUnavailableForm(() => confirmEnrolment("email", formData), {});
}

// "Send codes to my email instead": emails a first code to confirm the address.
export async function sendSetupEmailCodeAction(): Promise<SetupState> {
  return orUnavailableForm(sendSetupEmailCode, {});
}

async function sendSetupEmailCode(): Promise<SetupState> {
  const challenge = await getPendingChallenge("enrol");
  if (!challenge || challenge.verified) return expired;
  const sent = await sendSignInCode(challenge);
  if (!sent.ok) return { message: sent.message };
  redirect("/setup-2fa?method=email&sent=1");
}

export async function continueAfterSetupAction(): Promise<void> {
  const challenge = await orUnavailablePage(getPendingChallenge("enrol"), "/setup-2fa");
  if (!challenge?.verified) redirect("/login?expired=1");
  await rememberDevice(challenge.userId);
  await completeSignIn("/dashboard");
}

// "Cancel" during setup: ends this browser's half-session (challenge and
// cookie). Once 2FA is on, the codes screen leads only to Continue.
export async function cancelSetupAction(): Promise<void> {
  const challenge = await orUnavailablePage(getPendingChallenge("enrol"), "/setup-2fa");
  if (challenge?.verified) redirect("/setup-2fa");
  if (challenge) await orUnavailablePage(endEnrolments({ id: challenge.id }), "/setup-2fa");
  await clearChallengeCookie();
  redirect("/login?setupCancelled=1");
}
