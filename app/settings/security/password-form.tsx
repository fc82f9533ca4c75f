"use client";

import { useActionState } from "react";
import { FormMessage, PasswordField, SubmitButton } from "@/app/_components/form";
import { changePasswordAction, type ChangePasswordState } from "./actions";
import { ReauthFields } from "./reauth-fields";

const initialState: ChangePasswordState = {};

export function PasswordForm() {
  const [state, action] = useActionState(changePasswordAction, initialState);
  if (state.done) return <FormMessage tone="info" message={state.message} />;
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage message={state.message} />
      <ReauthFields idPrefix="change-password" state={state} />
      <PasswordField
        id="change-password-new"
        name="newPassword"
        label="New password"
        autoComplete="new-password"
        state={state}
        hint="8 to 128 characters; not a common password, and not containing your username."
      />
      <SubmitButton variant="secondary">Change password</SubmitButton>
    </form>
  );
}
