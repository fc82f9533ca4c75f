"use client";

import Link from "next/link";
import { useActionState } from "react";
import { Field, FormMessage, PasswordField, SubmitButton } from "@/app/_components/form";
import { emptyFormState } from "@/lib/validations/form-state";
import { registerAction } from "./actions";

const usernameHint = "3 to 32 letters, digits, dots, hyphens or underscores.";
const passwordHint = "At least 8 characters. A long passphrase is best.";

export function RegisterForm() {
  const [state, action] = useActionState(registerAction, emptyFormState);
  return (
    <form action={action} className="space-y-5" noValidate>
      <FormMessage message={state.message} />
      <Field name="username" label="Username" autoComplete="username" state={state} hint={usernameHint} />
      <Field name="email" label="Email" type="email" autoComplete="email" state={state} />
      <PasswordField
        name="password"
        label="Password"
        autoComplete="new-password"
        state={state}
        hint={passwordHint}
      />
      <SubmitButton className="w-full">Create account</SubmitButton>
      <p className="text-center text-sm text-slate-600">
        Already have an account?{" "}
        <Link href="/login" className="font-medium text-indigo-700 hover:underline">
          Sign in
        </Link>
      </p>
    </form>
  );
}
