"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { signOut } from "@/auth";
import { revokeAllSessions } from "@/lib/server/accounts";
import { createReauthChallenge } from "@/lib/server/challenge";
import { maskEmail, sendSignInCode } from "@/lib/server/email-sign-in";
import { recordSecurityEvent } from "@/lib/server/events";
import { noticeTwoFactorChanged } from "@/lib/server/notices";
import { reauthenticate } from "@/lib/server/reauthenticate";
import { replaceRecoveryCodes } from "@/lib/server/recovery-codes";
import { getRequestContext } from "@/lib/server/request-context";
import { getCurrentSession } from "@/lib/server/session";
import { confirmTotpReenrolment, describeTotpSetup, startTotpReenrolment } from "@/lib/server/two-factor";
import { orUnavailableForm, orUnavailablePage } from "@/lib/server/unavailable";
import { fieldErrors, totpCodeSchema } from "@/lib/validations/auth";
import type { FormState } from "@/lib/validations/form-state";

export type RegenerateState = FormState & { recoveryCodes?: string[] };
export type ReenrolState = FormState & {
  setup?: { qrCodeDataUrl: string; setupKey: string };
  done?: boolean;
};

async function sessionOrLogin() {
  const current = await getCurrentSession();
  if (!current) redirect("/login?callbackUrl=%2Fsettings%2Fsecurity");
  return current.user;
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
  return { recoveryCodes, message: "Your old recovery codes no longer work." };
}

export async function startReenrolAction(_previous: ReenrolState, formData: FormData): Promise<ReenrolState> {
  return orUnavailableForm(() => startReenrol(formData), {});
}

async function startReenrol(formData: FormData): Promise<ReenrolState> {
  const user = await sessionOrLogin();
  const check = await reauthenticate(user, formData);
  if (!check.ok) return check.state;
  const setup = await describeTotpSetup(user.username, await startTotpReenrolment(user.id));
  return { setup: { qrCodeDataUrl: setup.qrCodeDataUrl, setupKey: setup.setupKey } };
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
      errors: { newCode: ["That code is not right. Scan the new QR code and enter the code it shows."] },
    };
  }
  const context = await getRequestContext();
  await recordSecurityEvent(user.id, "two_factor_reenrolled", context);
  await noticeTwoFactorChanged(
    user,
    context,
    "A new authenticator app was set up; the old one no longer works.",
  );
  return { done: true, message: "Your new authenticator app is set up. The old one no longer works." };
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
  if (user.twoFactorMethod !== "email") return { message: "Use the code from your authenticator app." };
  const challenge = await createReauthChallenge(user.id, await getRequestContext());
  const sent = await sendSignInCode(challenge);
  return sent.ok
    ? { message: `We sent a code to ${maskEmail(user.email)}. It is valid for 10 minutes.` }
    : { message: sent.message };
}
