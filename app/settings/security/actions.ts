"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { signOut } from "@/auth";
import { revokeAllSessions } from "@/lib/server/accounts";
import { recordSecurityEvent } from "@/lib/server/events";
import { reauthenticate } from "@/lib/server/reauthenticate";
import { replaceRecoveryCodes } from "@/lib/server/recovery-codes";
import { getRequestContext } from "@/lib/server/request-context";
import { getCurrentSession } from "@/lib/server/session";
import { confirmTotpReenrolment, describeTotpSetup, startTotpReenrolment } from "@/lib/server/two-factor";
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
  const user = await sessionOrLogin();
  const check = await reauthenticate(user, formData);
  if (!check.ok) return check.state;
  const recoveryCodes = await replaceRecoveryCodes(user.id);
  await recordSecurityEvent(user.id, "recovery_codes_regenerated", await getRequestContext());
  return { recoveryCodes, message: "Your old recovery codes no longer work." };
}

export async function startReenrolAction(_previous: ReenrolState, formData: FormData): Promise<ReenrolState> {
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
  await recordSecurityEvent(user.id, "two_factor_reenrolled", await getRequestContext());
  return { done: true, message: "Your new authenticator app is set up. The old one no longer works." };
}

export async function signOutEverywhereAction(): Promise<void> {
  const user = await sessionOrLogin();
  await revokeAllSessions(user.id);
  await recordSecurityEvent(user.id, "signed_out_everywhere", await getRequestContext());
  await signOut({ redirectTo: "/login?signedOut=1" });
}
