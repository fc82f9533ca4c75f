"use client";

import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/app/_components/form";
import { emptyFormState } from "@/lib/validations/form-state";
import { changeEmailAction, sendVerificationCodeAction } from "./email-actions";
import { ReauthFields } from "./reauth-fields";

// "New email" with the password and a current code; on success the action
// goes to /verify-email, where the code sent to the new address is entered.
export function ChangeEmailForm() {
  const [state, action] = useActionState(changeEmailAction, emptyFormState);
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage message={state.message} />
      <Field
        id="change-email-new"
        name="newEmail"
        label="New email"
        type="email"
        autoComplete="email"
        state={state}
        hint="We send a code to the new address. Until it is entered, everything goes to your current address."
      />
      <ReauthFields idPrefix="change-email" state={state} />
      <SubmitButton variant="secondary">Change email</SubmitButton>
    </form>
  );
}

// For an account from before verification: a code to its address, then /verify-email.
export function VerifyEmailButton() {
  const [state, action] = useActionState(sendVerificationCodeAction, emptyFormState);
  return (
    <form action={action} className="space-y-2">
      <SubmitButton>Verify email address</SubmitButton>
      <FormMessage message={state.message} />
    </form>
  );
}
