"use client";

import { useActionState } from "react";
import { FormMessage, SubmitButton } from "@/app/_components/form";
import {
  deleteAccountAction,
  startAccountDeletionAction,
  type DeleteAccountState,
} from "./delete-account-actions";
import { ReauthFields } from "./reauth-fields";

const initialState: DeleteAccountState = {};
const DANGER = "bg-red-700 hover:bg-red-600 focus-visible:outline-red-700";

// Two steps, both plain posts (no script dialog): "Delete account" with the
// password and a current code answers the confirmation; "Delete my account
// permanently" deletes. "Cancel" reloads the page, which forgets the step.
export function DeleteAccountForm() {
  const [asked, ask] = useActionState(startAccountDeletionAction, initialState);
  const [confirmed, confirm] = useActionState(deleteAccountAction, initialState);
  const latest = (confirmed.answeredAt ?? 0) > (asked.answeredAt ?? 0) ? confirmed : asked;
  if (latest.proof) {
    return (
      <div className="space-y-3 rounded-md bg-red-50 p-4 text-sm text-red-900 ring-1 ring-red-200">
        <form action={confirm} className="space-y-3">
          <p role="status" className="font-medium">
            Delete your account permanently?
          </p>
          <p>
            Your username, your address, your authenticator app and passkeys, your recovery codes, every
            session and access token, and your security events are deleted. Every device is signed out, this
            one included. This cannot be undone; we send a confirmation to your address.
          </p>
          <input type="hidden" name="proof" value={latest.proof} />
          <SubmitButton className={DANGER}>Delete my account permanently</SubmitButton>
        </form>
        <form method="get" action="/settings/security">
          <button type="submit" className="btn-secondary">
            Cancel
          </button>
        </form>
      </div>
    );
  }
  return (
    <form action={ask} className="space-y-4" noValidate>
      <FormMessage message={latest.errors?.proof?.[0] ?? latest.message} />
      <ReauthFields idPrefix="delete-account" state={latest} />
      <SubmitButton className={DANGER}>Delete account</SubmitButton>
    </form>
  );
}
