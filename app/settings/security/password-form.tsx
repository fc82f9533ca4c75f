"use client";

import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/app/_components/form";
import { changePasswordAction, type ChangePasswordState } from "./actions";
import { ReauthFields } from "./reauth-fields";

export function PasswordForm() {
  const [state, action] = useActionState(changePasswordAction, {} as ChangePasswordState);
  if (state.done) return <FormMessage tone="info" message={state.message} />;
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage message={state.message} />
      <ReauthFields idPrefix="change-password" state={state} />
      <Field
        id="change-password-new"
        name="newPassword"
        label="New password"
        type="password"
        autoComplete="new-password"
        errors={state.errors?.newPassword}
        hint="8 to 128 characters; not a common password, and not containing your username."
        required
      />
      <SubmitButton variant="secondary">Change password</SubmitButton>
    </form>
  );
}
