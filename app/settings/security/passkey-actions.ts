"use server";

import { revalidatePath } from "next/cache";
import { recordSecurityEvent } from "@/lib/server/accounts/events";
import { defaultPasskeyName } from "@/lib/server/factors/passkey-names";
import {
  canRemovePasskey,
  finishPasskeyRegistration,
  listPasskeys,
  removePasskey,
  renamePasskey,
  startPasskeyRegistration,
} from "@/lib/server/factors/passkeys";
import { noticePasskeyAdded, noticePasskeyRemoved } from "@/lib/server/mail/senders";
import { claimWindowTry, releaseWindowTry } from "@/lib/server/platform/rate-limit";
import { keys, LIMITS, PASSKEY_SETTINGS_MESSAGES } from "@/lib/server/policy";
import { formAction } from "@/lib/server/sign-in/action";
import { limitSubject } from "@/lib/server/sign-in/known-device";
import { reauthenticate } from "@/lib/server/sign-in/reauthenticate";
import type { FormState } from "@/lib/validations/form-state";
import { finishRegistrationSchema, renamePasskeySchema, type PasskeyState } from "@/lib/validations/passkeys";

// The Passkeys section of /settings/security (DESIGN.md §4 "Passkeys"):
// adding one needs the password and a current factor, like every factor
// change; so does removing one, never the last factor. A rename needs neither.
const SETTINGS_PATH = "/settings/security";
const MESSAGES = PASSKEY_SETTINGS_MESSAGES;

export type RenamePasskeyState = FormState & { done?: boolean };
// "Remove" answers `confirming` (the passkey asked about), and so does a
// refused "Remove passkey", so that the confirmation stays; `answeredAt`
// tells the form which of its two answers is the newer.
export type RemovePasskeyState = FormState & { confirming?: string; done?: boolean; answeredAt?: number };

const nameOnly = finishRegistrationSchema.pick({ name: true });
const passkeyOnly = renamePasskeySchema.pick({ passkeyId: true });
const codeKey = async (userId: string): Promise<string> => keys.codes(await limitSubject(userId));

// The first post of "Add a passkey": the name is checked before any code is
// spent, then the password and current factor, then a challenge bound to
// this session.
export async function beginAddPasskeyAction(
  previous: PasskeyState,
  formData: FormData,
): Promise<PasskeyState> {
  return formAction({
    guard: "session",
    path: SETTINGS_PATH,
    schema: nameOnly,
    values: ["name"],
    run: async ({ user, session, data: { name }, formData }): Promise<PasskeyState> => {
      const check = await reauthenticate(user, formData);
      if (!check.ok) return check.state;
      const json = await startPasskeyRegistration(user, { sessionId: session.sessionId });
      return { options: { ceremony: "create", json }, values: { name } };
    },
  })(previous, formData);
}

// The second: the browser's answer. A failed registration counts against
// the account's code limits like a wrong code; a success gives its try back.
export async function finishAddPasskeyAction(
  previous: PasskeyState,
  formData: FormData,
): Promise<PasskeyState> {
  return formAction({
    guard: "session",
    path: SETTINGS_PATH,
    schema: finishRegistrationSchema,
    base: (previous: PasskeyState) => ({ values: previous.values }),
    limits: async ({ user }) => claimWindowTry(await codeKey(user.id), LIMITS.codesPerAccount),
    run: async ({ user, session, data: { response, name }, request }): Promise<PasskeyState> => {
      const result = await finishPasskeyRegistration(
        user,
        response,
        (aaguid) => name || defaultPasskeyName(aaguid, request.userAgent),
        { sessionId: session.sessionId },
      );
      if (!result.ok) return { values: { name }, message: MESSAGES.registrationRefused[result.reason] };
      await releaseWindowTry(await codeKey(user.id));
      await recordSecurityEvent(user.id, "passkey_added", request, result.passkey.name);
      await noticePasskeyAdded(user, request, result.passkey.name);
      revalidatePath(SETTINGS_PATH);
      return { done: true, message: MESSAGES.added, values: {} };
    },
  })(previous, formData);
}

export async function renamePasskeyAction(
  previous: RenamePasskeyState,
  formData: FormData,
): Promise<RenamePasskeyState> {
  return formAction({
    guard: "session",
    path: SETTINGS_PATH,
    schema: renamePasskeySchema,
    values: ["name"],
    run: async ({ user, data: { passkeyId, name }, request }): Promise<RenamePasskeyState> => {
      const renamed = await renamePasskey(user.id, passkeyId, name);
      if (!renamed.ok && renamed.reason === "name") return { errors: { name: [MESSAGES.badName] } };
      if (!renamed.ok) return { message: MESSAGES.notFound };
      const [passkey] = (await listPasskeys(user.id)).filter((row) => row.id === passkeyId);
      await recordSecurityEvent(user.id, "passkey_renamed", request, passkey?.name ?? name);
      revalidatePath(SETTINGS_PATH);
      return { done: true, message: MESSAGES.renamed };
    },
  })(previous, formData);
}

// "Remove": asks for the password and a current factor, unless the passkey
// could not be removed anyway (the last factor), which it says at once.
export async function confirmRemovePasskeyAction(
  previous: RemovePasskeyState,
  formData: FormData,
): Promise<RemovePasskeyState> {
  return formAction({
    guard: "session",
    path: SETTINGS_PATH,
    schema: passkeyOnly,
    run: async ({ user, data: { passkeyId } }): Promise<RemovePasskeyState> => {
      const answeredAt = Date.now();
      const verdict = await canRemovePasskey(user.id, passkeyId);
      if (!verdict.ok)
        return {
          answeredAt,
          message: verdict.reason === "last factor" ? MESSAGES.lastFactor : MESSAGES.notFound,
        };
      return { answeredAt, confirming: passkeyId };
    },
  })(previous, formData);
}

// "Remove passkey": the removal is checked first, so that no code is spent
// on one that cannot happen; removePasskey checks again in its transaction.
export async function removePasskeyAction(
  previous: RemovePasskeyState,
  formData: FormData,
): Promise<RemovePasskeyState> {
  return formAction({
    guard: "session",
    path: SETTINGS_PATH,
    schema: passkeyOnly,
    run: async ({ user, data: { passkeyId }, formData, request }): Promise<RemovePasskeyState> => {
      const answeredAt = Date.now();
      const refused = (reason: "last factor" | "not found"): RemovePasskeyState => ({
        answeredAt,
        message: reason === "last factor" ? MESSAGES.lastFactor : MESSAGES.notFound,
      });
      const [passkey] = (await listPasskeys(user.id)).filter((row) => row.id === passkeyId);
      const verdict = await canRemovePasskey(user.id, passkeyId);
      if (!passkey || !verdict.ok) return refused(verdict.ok ? "not found" : verdict.reason);
      const check = await reauthenticate(user, formData);
      if (!check.ok) return { ...check.state, answeredAt, confirming: passkeyId };
      const removed = await removePasskey(user.id, passkeyId);
      if (!removed.ok) return refused(removed.reason);
      await recordSecurityEvent(user.id, "passkey_removed", request, passkey.name);
      await noticePasskeyRemoved(user, request, passkey.name);
      revalidatePath(SETTINGS_PATH);
      return { answeredAt, done: true, message: MESSAGES.removed };
    },
  })(previous, formData);
}
