"use client";

import Link from "next/link";
import { useActionState } from "react";
import { Field, FormMessage, PasswordField, SubmitButton } from "@/app/_components/form";
import { emptyFormState } from "@/lib/validations/form-state";
import { loginAction } from "./actions";

export function LoginForm({ callbackUrl, notice }: { callbackUrl: string; notice?: string }) {
  const [state, action] = useActionState(loginAction, emptyFormState);
  return (
    <form action={action} className="space-y-5" noValidate>
      <FormMessage message={state.message} />
      {!state.message && notice ? <FormMessage tone="info" message={notice} /> : null}
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <Field name="identifier" label="Username or email" autoComplete="username" state={state} />
      <PasswordField name="password" label="Password" autoComplete="current-password" state={state} />
      <p className="-mt-3 text-right text-sm">
        <Link href="/forgot-password" className="font-medium text-indigo-700 hover:underline">
          Forgot password?
        </Link>
      </p>
      <SubmitButton className="w-full">Sign in</SubmitButton>
      <p className="text-center text-sm text-slate-600">
        New here?{" "}
        <Link href="/register" className="font-medium text-indigo-700 hover:underline">
          Create an account
        </Link>
      </p>
    </form>
  );
}
