"use server";

import { revalidatePath } from "next/cache";
import { redirect, unstable_rethrow } from "next/navigation";
import { signOut, unstable_update } from "@/auth";
import { changePassword, revokeAllSessions } from "@/lib/server/accounts/accounts";
import { changePasswordFormSchemaFor } from "@/lib/server/accounts/common-passwords";
import { createReauthChallenge } from "@/lib/server/sign-in/challenge";
import { maskEmail, sendSignInCode } from "@/lib/server/factors/email-sign-in";
import { recordSecurityEvent } from "@/lib/server/accounts/events";
import { noticePasswordChanged, noticeTwoFactorChanged } from "@/lib/server/mail/senders";
import { hashPassword } from "@/lib/server/accounts/password";
import { reauthenticate, usesEmailedReauthCodes } from "@/lib/server/sign-in/reauthenticate";
import { cancelTotpReenrolment } from "@/lib/server/factors/reenrolment";
import { replaceRecoveryCodes } from "@/lib/server/factors/recovery-codes";
import { MESSAGES } from "@/lib/server/policy";
import { formAction, pageAction } from "@/lib/server/sign-in/action";
import { endSession, type CurrentSession } from "@/lib/server/sign-in/session";
import { grantNextSessionVersion } from "@/lib/server/sign-in/session-grant";
import { confirmTotpReenrolment, startTotpReenrolment } from "@/lib/server/factors/two-factor";
import type { FormState } from "@/lib/validations/form-state";
import { reenrolCodeSchema } from "@/lib/validations/settings";

export type RegenerateState = FormState & { recoveryCodes?: string[] };
export type ChangePasswordState = FormState & { done?: boolean };
// A pending switch lives in the database; the page shows it (page.tsx).
export type ReenrolState = FormState & { done?: boolean };

// Every action here needs a complete session; without one, the sign-in page
// and back here.
const SETTINGS_PATH = "/settings/security";

// After every change the page is rendered again from the database, so that
// the 2FA card, the codes left and the events list show what just happened.
function refreshSettings(): void {
  revalidatePath(SETTINGS_PATH);
}

export async function regenerateRecoveryCodesAction(
  previous: RegenerateState,
  formData: FormData,
): Promise<RegenerateState> {
  return formAction({
    guard: "session",
    path: SETTINGS_PATH,
    run: async ({ user, formData, request }): Promise<RegenerateState> => {
      const check = await reauthenticate(user, formData);
      if (!check.ok) return check.state;
      const recoveryCodes = await replaceRecoveryCodes(user.id);
      await recordSecurityEvent(user.id, "recovery_codes_regenerated", request);
      await noticeTwoFactorChanged(
        user,
        request,
        "New recovery codes were made; the old ones no longer work.",
      );
      refreshSettings();
      return { recoveryCodes, message: MESSAGES.recoveryCodesReplaced };
    },
  })(previous, formData);
}

// ASVS 6.2.2, 6.2.3, 7.4.3: the current password and a second factor, a new
// password under the registration rules; then every other session and
// access token ends, while this browser stays signed in. The form is checked
// before re-authenticating, so that no code is spent on a change that cannot
// happen.
export async function changePasswordAction(
  previous: ChangePasswordState,
  formData: FormData,
): Promise<ChangePasswordState> {
  return formAction({
    guard: "session",
    path: SETTINGS_PATH,
    schema: ({ user }) => changePasswordFormSchemaFor(user.username),
    run: async ({
      session,
      user,
      data: { newPassword },
      formData,
      request,
    }): Promise<ChangePasswordState> => {
      if (newPassword === formData.get("password")) {
        return { errors: { newPassword: [MESSAGES.samePassword] } };
      }
      const check = await reauthenticate(user, formData);
      if (!check.ok) return check.state;
      const changed = await changePassword(
        user.id,
        user.sessionVersion,
        await hashPassword(newPassword),
        session.sessionId,
      );
      // Another change (sign out everywhere) ended this session meanwhile.
      if (!changed) redirect("/login?expired=1");
      await recordSecurityEvent(user.id, "password_changed", request);
      await noticePasswordChanged(user, request);
      if (!(await keepThisSession(session))) {
        await endSession(session);
        await signOut({ redirectTo: "/login?passwordChanged=1" });
      }
      refreshSettings();
      return {
        done: true,
        message: MESSAGES.passwordChanged,
      };
    },
  })(previous, formData);
}

// Re-issues this browser's session cookie at the new session version (auth.ts
// accepts the update on the server's grant only). False if it was not.
async function keepThisSession(current: CurrentSession): Promise<boolean> {
  const from = current.user.sessionVersion;
  try {
    const updated = await unstable_update(grantNextSessionVersion(current.sessionId, from));
    return updated?.sessionVersion === from + 1;
  } catch (error) {
    unstable_rethrow(error);
    console.error(`[auth] could not re-issue the session: ${error instanceof Error ? error.name : "error"}`);
    return false;
  }
}

export async function startReenrolAction(previous: ReenrolState, formData: FormData): Promise<ReenrolState> {
  return formAction({
    guard: "session",
    path: SETTINGS_PATH,
    run: async ({ user, formData }): Promise<ReenrolState> => {
      const check = await reauthenticate(user, formData);
      if (!check.ok) return check.state;
      await startTotpReenrolment(user.id);
      refreshSettings();
      return {};
    },
  })(previous, formData);
}

// "Cancel": the pending secret is discarded; the current factor never changed.
export async function cancelReenrolAction(): Promise<void> {
  return pageAction({
    guard: "session",
    path: SETTINGS_PATH,
    run: async ({ user }) => {
      await cancelTotpReenrolment(user.id);
      refreshSettings();
    },
  })();
}

export async function confirmReenrolAction(
  previous: ReenrolState,
  formData: FormData,
): Promise<ReenrolState> {
  return formAction({
    guard: "session",
    path: SETTINGS_PATH,
    schema: reenrolCodeSchema,
    base: (previous: ReenrolState) => ({ ...previous, message: undefined, errors: undefined }),
    run: async ({ user, data: { newCode }, previous, request }): Promise<ReenrolState> => {
      if (!(await confirmTotpReenrolment(user.id, newCode))) {
        return {
          ...previous,
          message: undefined,
          errors: { newCode: [MESSAGES.wrongReenrolCode] },
        };
      }
      await recordSecurityEvent(user.id, "two_factor_reenrolled", request);
      await noticeTwoFactorChanged(
        user,
        request,
        "A new authenticator app was set up; the old one no longer works.",
      );
      refreshSettings();
      return { done: true, message: MESSAGES.reenrolled };
    },
  })(previous, formData);
}

export async function signOutEverywhereAction(): Promise<void> {
  return pageAction({
    guard: "session",
    path: SETTINGS_PATH,
    run: async ({ user, request }) => {
      await revokeAllSessions(user.id);
      await recordSecurityEvent(user.id, "signed_out_everywhere", request);
      await signOut({ redirectTo: "/login?signedOut=1" });
    },
  })();
}

// For email and passkey users: a fresh code to prove the second factor before a change.
export async function sendReauthCodeAction(): Promise<FormState> {
  return formAction({
    guard: "session",
    path: SETTINGS_PATH,
    run: async ({ user, request }): Promise<FormState> => {
      if (!usesEmailedReauthCodes(user)) return { message: MESSAGES.useAuthenticatorCode };
      const challenge = await createReauthChallenge(user.id, request);
      const sent = await sendSignInCode(challenge);
      return sent.ok
        ? {
            message: MESSAGES.codeSent(maskEmail(user.email)),
          }
        : { message: sent.message };
    },
  })();
}
