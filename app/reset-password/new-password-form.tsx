"use client";

import { useActionState } from "react";
import { FormMessage, PasswordField, SubmitButton } from "@/app/_components/form";
import { emptyFormState } from "@/lib/validations/form-state";
import { resetPasswordAction } from "./actions";

export function NewPasswordForm({ token }: { token: string }) {
  const [state, action] = useActionState(resetPasswordAction, emptyFormState);
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage message={state.message} />
      <input type="hidden" name="token" value={token} />
      <PasswordField
        name="newPassword"
        label="New password"
        autoComplete="new-password"
        autoFocus
        state={state}
        hint="8 to 128 characters. Not a common password, not your username, not your current password."
      />
      <SubmitButton className="w-full">Reset password</SubmitButton>
    </form>
  );
}
