"use server";

import { signOut } from "@/auth";
import { deleteAccount } from "@/lib/server/accounts/account-deletion";
import { consumeDeletionProof, createDeletionProof } from "@/lib/server/accounts/deletion-proof";
import { sendAccountDeletedEmail } from "@/lib/server/mail/senders";
import { afterResponse } from "@/lib/server/platform/after-response";
import { ACCOUNT_DELETION_MESSAGES } from "@/lib/server/policy";
import { formAction } from "@/lib/server/sign-in/action";
import { reauthenticate } from "@/lib/server/sign-in/reauthenticate";
import { confirmAccountDeletionSchema } from "@/lib/validations/account-deletion";
import type { FormState } from "@/lib/validations/form-state";

// "Delete account" in /settings/security (DESIGN.md §4 "Deleting the
// account"), two posts that both work without JavaScript: the password and a
// current code answer a confirmation carrying a proof (deletion-proof.ts);
// "Delete my account permanently" uses the proof up and deletes.
const SETTINGS_PATH = "/settings/security";

// `proof`: the confirmation step is due. `answeredAt`: the form shows the
// newer of the two actions' answers.
export type DeleteAccountState = FormState & { proof?: string; answeredAt?: number };

// Every answer is stamped, the wrapper's refusals too (formAction's `base`).
const answered = (): DeleteAccountState => ({ answeredAt: Date.now() });

export async function startAccountDeletionAction(
  previous: DeleteAccountState,
  formData: FormData,
): Promise<DeleteAccountState> {
  return formAction({
    guard: "session",
    path: SETTINGS_PATH,
    base: answered,
    run: async ({ user, session, formData }): Promise<DeleteAccountState> => {
      const check = await reauthenticate(user, formData);
      if (!check.ok) return { ...check.state, ...answered() };
      return { proof: await createDeletionProof(user.id, session.sessionId), ...answered() };
    },
  })(previous, formData);
}

export async function deleteAccountAction(
  previous: DeleteAccountState,
  formData: FormData,
): Promise<DeleteAccountState> {
  return formAction({
    guard: "session",
    path: SETTINGS_PATH,
    schema: confirmAccountDeletionSchema,
    base: answered,
    run: async ({ user, session, data: { proof }, request }): Promise<DeleteAccountState> => {
      if (!(await consumeDeletionProof(user.id, session.sessionId, proof))) {
        return { message: ACCOUNT_DELETION_MESSAGES.proofRefused, ...answered() };
      }
      // The session's row goes with the account; the cookie goes below.
      const deleted = await deleteAccount(user.id, request, "user");
      if (deleted) await afterResponse(() => sendAccountDeletedEmail(deleted, request));
      await signOut({ redirectTo: "/?deleted=1" });
      return answered();
    },
  })(previous, formData);
}
