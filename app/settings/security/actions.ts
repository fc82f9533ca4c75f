"use server";

import { revalidatePath } from "next/cache";
import { redirect, unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { signOut, unstable_update } from "@/auth";
import { changePassword, revokeAllSessions } from "@/lib/server/accounts/accounts";
import { createReauthChallenge } from "@/lib/server/sign-in/challenge";
import { maskEmail, sendSignInCode } from "@/lib/server/factors/email-sign-in";
import { recordSecurityEvent } from "@/lib/server/accounts/events";
import { noticePasswordChanged, noticeTwoFactorChanged } from "@/lib/server/mail/notices";
import { hashPassword } from "@/lib/server/accounts/password";
import { reauthenticate } from "@/lib/server/sign-in/reauthenticate";
import { cancelTotpReenrolment } from "@/lib/server/factors/reenrolment";
import { replaceRecoveryCodes } from "@/lib/server/factors/recovery-codes";
import { MESSAGES } from "@/lib/server/policy";
import { getRequestContext } from "@/lib/server/platform/request-context";
import { getCurrentSession, type CurrentSession } from "@/lib/server/sign-in/session";
import { grantNextSessionVersion } from "@/lib/server/sign-in/session-grant";
import { confirmTotpReenrolment, startTotpReenrolment } from "@/lib/server/factors/two-factor";
import { orUnavailableForm, orUnavailablePage } from "@/lib/server/platform/unavailable";
import { fieldErrors, totpCodeSchema } from "@/lib/validations/auth";
import type { FormState } from "@/lib/validations/form-state";
import { changePasswordFormSchema } from "@/lib/validations/settings";

export type RegenerateState = FormState & { recoveryCodes?: string[] };
export type ChangePasswordState = FormState & { done?: boolean };
// A pending switch lives in the database; the page shows it (page.tsx).
export type ReenrolState = FormState & { done?: boolean };

const SETTINGS_PATH = "/settings/security";

// After every change the page is rendered again from the database, so that
// the 2FA card, the codes left and the events list show what just happened.
function refreshSettings(): void {
  revalidatePath(SETTINGS_PATH);
}

async function currentOrLogin(): Promise<CurrentSession> {
  const current = await getCurrentSession();
  if (!current) redirect("/login?callbackUrl=%2Fsettings%2Fsecurity");
  return current;
}

async function sessionOrLogin() {
  return (await currentOrLogin()).user;
}

export async function regenerateRecoveryCodesAction(
  _previous: RegenerateState,
  formData: FormData,
): Promise<RegenerateState> {
  return orUnavailableForm(() => regenerateRecoveryCodes(formData), {});
}

async function regenerateRecoveryCodes(formData: FormData): Promise<RegenerateState> {
  const user = await sessionOrLogin();
  const check = await reauthenticate(user, formData);
  if (!check.ok) return check.state;
  const recoveryCodes = await replaceRecoveryCodes(user.id);
  const context = await getRequestContext();
  await recordSecurityEvent(user.id, "recovery_codes_regenerated", context);
  await noticeTwoFactorChanged(user, context, "New recovery codes were made; the old ones no longer work.");
  refreshSettings();
  return { recoveryCodes, message: MESSAGES.recoveryCodesReplaced };
}

export async function changePasswordAction(
  _previous: ChangePasswordState,
  formData: FormData,
): Promise<ChangePasswordState> {
  return orUnavailableForm(() => changeAccountPassword(formData), {});
}

// ASVS 6.2.2, 6.2.3, 7.4.3: the current password and a second factor, a new
// password under the registration rules; then every other session and
// access token ends, while this browser stays signed in.
async function changeAccountPassword(formData: FormData): Promise<ChangePasswordState> {
  const current = await currentOrLogin();
  const { user } = current;
  // Checked before re-authenticating, so that no code is spent on a change that cannot happen.
  const parsed = changePasswordFormSchema(user.username).safeParse({
    password: formData.get("password"),
    code: formData.get("code"),
    newPassword: formData.get("newPassword"),
  });
  if (!parsed.success) return { errors: fieldErrors(parsed.error) };
  const { newPassword } = parsed.data;
  if (newPassword === formData.get("password")) {
    return { errors: { newPassword: [MESSAGES.samePassword] } };
  }
  const check = await reauthenticate(user, formData);
  if (!check.ok) return check.state;
  const changed = await changePassword(user.id, user.sessionVersion, await hashPassword(newPassword));
  // Another change (sign out everywhere) ended this session meanwhile.
  if (!changed) redirect("/login?expired=1");
  const context = await getRequestContext();
  await recordSecurityEvent(user.id, "password_changed", context);
  await noticePasswordChanged(user, context);
  if (!(await keepThisSession(current))) await signOut({ redirectTo: "/login?passwordChanged=1" });
  refreshSettings();
  return {
    done: true,
    message: MESSAGES.passwordChanged,
  };
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

export async function startReenrolAction(_previous: ReenrolState, formData: FormData): Promise<ReenrolState> {
  return orUnavailableForm(() => startReenrol(formData), {});
}

async function startReenrol(formData: FormData): Promise<ReenrolState> {
  const user = await sessionOrLogin();
  const check = await reauthenticate(user, formData);
  if (!check.ok) return check.state;
  await startTotpReenrolment(user.id);
  refreshSettings();
  return {};
}

// "Cancel": the pending secret is discarded; the current factor never changed.
export async function cancelReenrolAction(): Promise<void> {
  await orUnavailablePage((async () => cancelTotpReenrolment((await sessionOrLogin()).id))(), SETTINGS_PATH);
  refreshSettings();
}

const ConfirmSchema = z.object({ newCode: totpCodeSchema });

export async function confirmReenrolAction(
  previous: ReenrolState,
  formData: FormData,
): Promise<ReenrolState> {
  return orUnavailableForm(() => confirmReenrol(previous, formData), { ...previous, errors: undefined });
}

async function confirmReenrol(previous: ReenrolState, formData: FormData): Promise<ReenrolState> {
  const user = await sessionOrLogin();
  const parsed = ConfirmSchema.safeParse({ newCode: formData.get("newCode") });
  if (!parsed.success) return { ...previous, message: undefined, errors: fieldErrors(parsed.error) };
  if (!(await confirmTotpReenrolment(user.id, parsed.data.newCode))) {
    return {
      ...previous,
      message: undefined,
      errors: { newCode: [MESSAGES.wrongReenrolCode] },
    };
  }
  const context = await getRequestContext();
  await recordSecurityEvent(user.id, "two_factor_reenrolled", context);
  await noticeTwoFactorChanged(
    user,
    context,
    "A new authenticator app was set up; the old one no longer works.",
  );
  refreshSettings();
  return { done: true, message: MESSAGES.reenrolled };
}

export async function signOutEverywhereAction(): Promise<void> {
  const revoke = async () => {
    const user = await sessionOrLogin();
    await revokeAllSessions(user.id);
    await recordSecurityEvent(user.id, "signed_out_everywhere", await getRequestContext());
  };
  await orUnavailablePage(revoke(), "/settings/security");
  await signOut({ redirectTo: "/login?signedOut=1" });
}

// For email users: a fresh code to prove the second factor before a change.
export async function sendReauthCodeAction(): Promise<FormState> {
  return orUnavailableForm(sendReauthCode, {});
}

async function sendReauthCode(): Promise<FormState> {
  const user = await sessionOrLogin();
  if (user.twoFactorMethod !== "email") return { message: MESSAGES.useAuthenticatorCode };
  const challenge = await createReauthChallenge(user.id, await getRequestContext());
  const sent = await sendSignInCode(challenge);
  return sent.ok
    ? {
        message: MESSAGES.codeSent(maskEmail(user.email)),
      }
    : { message: sent.message };
}
