"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
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
import { confirmTotpEnrolment, enableEmailSecondFactor, enrolPasskey } from "@/lib/server/factors/enrolment";
import { startPasskeyRegistration } from "@/lib/server/factors/passkeys";
import { env } from "@/lib/server/platform/env";
import { recordSecurityEvent } from "@/lib/server/accounts/events";
import { rememberDevice } from "@/lib/server/sign-in/known-device";
import { METHOD_NAMES, noticeWelcome } from "@/lib/server/mail/senders";
import { claimWindowTry, resetTries } from "@/lib/server/platform/rate-limit";
import { describeBrowser, UNKNOWN_BROWSER } from "@/lib/server/platform/request-labels";
import {
  keys,
  LIMITS,
  MESSAGES,
  PASSKEY_SETUP_LIMITS,
  PASSKEY_SETUP_MESSAGES,
  PASSKEYS,
  passkeySetupKeys,
  subjects,
} from "@/lib/server/policy";
import { formAction, pageAction } from "@/lib/server/sign-in/action";
import { setupCodeSchemas } from "@/lib/validations/auth";
import type { FormState } from "@/lib/validations/form-state";
import { finishRegistrationSchema, type PasskeyState } from "@/lib/validations/passkeys";

export type SetupState = FormState;

const SETUP_PATH = "/setup-2fa";
const expired: SetupState = {
  message: MESSAGES.setupExpired,
};

type Method = "totp" | "email";
const WRONG: Record<Method, string> = MESSAGES.wrongSetupCode;

// The first code turns 2FA on: guarded like a sign-in (tries per account and
// per challenge), checked against what THIS browser's challenge was shown.
// The recovery codes are then kept on the challenge and the page renders
// them, with or without JavaScript, until Continue.
function confirmEnrolment(method: Method) {
  return formAction({
    guard: "enrol",
    path: SETUP_PATH,
    refuse: () =>
      method === "email" && !env.EMAIL_SECOND_FACTOR ? { message: MESSAGES.emailCodesOff } : undefined,
    schema: setupCodeSchemas[method],
    limits: ({ challenge }) =>
      claimWindowTry(keys.codes(subjects.account(challenge.userId)), LIMITS.codesPerAccount),
    run: async ({ challenge, data: { code }, request }): Promise<SetupState> => {
      if (!(await claimChallengeAttempt(challenge.id))) return expired;
      const enabled =
        method === "totp"
          ? await confirmTotpEnrolment(challenge.id, challenge.userId, code)
          : (await consumeEmailCode(challenge.id, code)) &&
            (await enableEmailSecondFactor(challenge.id, challenge.userId));
      if (!enabled) return { errors: { code: [WRONG[method]] } };

      await resetTries(keys.codes(subjects.account(challenge.userId)));
      const detail = method === "totp" ? "authenticator app" : "emailed codes";
      await recordSecurityEvent(challenge.userId, "two_factor_enabled", request, detail);
      const user = await getUserById(challenge.userId);
      if (user) await noticeWelcome(user);
      // The header too (the layout): its Cancel goes once 2FA is on.
      revalidatePath("/", "layout");
      redirect(SETUP_PATH);
    },
  });
}

export async function confirmSetupAction(previous: SetupState, formData: FormData): Promise<SetupState> {
  return confirmEnrolment("totp")(previous, formData);
}

export async function confirmEmailSetupAction(previous: SetupState, formData: FormData): Promise<SetupState> {
  return confirmEnrolment("email")(previous, formData);
}

// "Use a passkey instead", the first post: options for the browser's prompt,
// their challenge bound to this browser's enrolment.
export async function beginPasskeySetupAction(
  previous: PasskeyState,
  formData: FormData,
): Promise<PasskeyState> {
  return formAction({
    guard: "enrol",
    path: SETUP_PATH,
    limits: ({ challenge }) =>
      claimWindowTry(passkeySetupKeys.begins(challenge.userId), PASSKEY_SETUP_LIMITS.beginsPerAccount),
    run: async ({ challenge }): Promise<PasskeyState> => {
      const user = await getUserById(challenge.userId);
      if (!user) return expired;
      const json = await startPasskeyRegistration(user, { signInChallengeId: challenge.id });
      return { options: { ceremony: "create", json } };
    },
  })(previous, formData);
}

// "Chrome 131 on macOS": the name a person recognises in settings later.
function passkeyNameFor(userAgent: string): string {
  const described = describeBrowser(userAgent);
  return described === UNKNOWN_BROWSER ? PASSKEYS.defaultName : described;
}

// The second post: the browser's answer turns 2FA on as a first code does,
// under the same tries (the account's codes, one of the challenge's).
export async function finishPasskeySetupAction(
  previous: PasskeyState,
  formData: FormData,
): Promise<PasskeyState> {
  return formAction({
    guard: "enrol",
    path: SETUP_PATH,
    schema: finishRegistrationSchema,
    limits: ({ challenge }) =>
      claimWindowTry(keys.codes(subjects.account(challenge.userId)), LIMITS.codesPerAccount),
    run: async ({ challenge, data: { response, name }, request }): Promise<PasskeyState> => {
      if (!(await claimChallengeAttempt(challenge.id))) return expired;
      const user = await getUserById(challenge.userId);
      if (!user) return expired;
      const enrolled = await enrolPasskey(
        challenge.id,
        user,
        response,
        name || passkeyNameFor(request.userAgent),
      );
      if (!enrolled.ok) {
        if (enrolled.reason === "verification failed" || enrolled.reason === "user verification")
          await recordSecurityEvent(user.id, "passkey_refused", request, enrolled.reason);
        return { message: PASSKEY_SETUP_MESSAGES[enrolled.reason] };
      }

      await resetTries(keys.codes(subjects.account(user.id)));
      await recordSecurityEvent(user.id, "two_factor_enabled", request, METHOD_NAMES.passkey);
      await recordSecurityEvent(user.id, "passkey_added", request, enrolled.passkey.name);
      await noticeWelcome(user);
      revalidatePath("/", "layout");
      redirect(SETUP_PATH);
    },
  })(previous, formData);
}

// "Send codes to my email instead": emails a first code to confirm the address.
export async function sendSetupEmailCodeAction(): Promise<SetupState> {
  return formAction({
    guard: "enrol",
    path: SETUP_PATH,
    run: async ({ challenge }): Promise<SetupState> => {
      const sent = await sendSignInCode(challenge);
      if (!sent.ok) return { message: sent.message };
      redirect("/setup-2fa?method=email&sent=1");
    },
  })();
}

export async function continueAfterSetupAction(): Promise<void> {
  return pageAction({
    guard: "none",
    path: SETUP_PATH,
    run: async () => {
      const challenge = await getPendingChallenge("enrol");
      if (!challenge?.verified) redirect("/login?expired=1");
      await rememberDevice(challenge.userId);
      await completeSignIn("/dashboard");
    },
  })();
}

// "Cancel" during setup: ends this browser's half-session (challenge and
// cookie). Once 2FA is on, the codes screen leads only to Continue.
export async function cancelSetupAction(): Promise<void> {
  return pageAction({
    guard: "none",
    path: SETUP_PATH,
    run: async () => {
      const challenge = await getPendingChallenge("enrol");
      if (challenge?.verified) redirect(SETUP_PATH);
      if (challenge) await endEnrolments({ id: challenge.id });
      await clearChallengeCookie();
      redirect("/login?setupCancelled=1");
    },
  })();
}
