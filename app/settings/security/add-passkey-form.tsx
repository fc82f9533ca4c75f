"use client";

import { Field } from "@/app/_components/form";
import { PasskeyCeremony } from "@/app/_components/passkey-ceremony";
import { PASSKEY_NAME_MAX } from "@/lib/validations/passkeys";
import { beginAddPasskeyAction, finishAddPasskeyAction } from "./passkey-actions";
import { ReauthFields } from "./reauth-fields";

// "Add a passkey": the password and a current code, then the browser's
// passkey prompt. Without JavaScript the component says passkeys need it.
export function AddPasskeyForm() {
  return (
    <PasskeyCeremony
      begin={beginAddPasskeyAction}
      finish={finishAddPasskeyAction}
      label="Add a passkey"
      fields={(state) => (
        <>
          <Field
            id="add-passkey-name"
            name="name"
            label="Passkey name"
            required={false}
            maxLength={PASSKEY_NAME_MAX}
            autoComplete="off"
            state={state}
            hint="Optional: we name it after your passkey provider or this browser."
          />
          <ReauthFields idPrefix="add-passkey" state={state} />
        </>
      )}
    />
  );
}
