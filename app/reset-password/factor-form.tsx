"use client";

import { useActionState } from "react";
import { CodeField, Field, FormMessage, SubmitButton } from "@/app/_components/form";
import { emptyFormState } from "@/lib/validations/form-state";
import type { ResetMethod } from "@/lib/validations/password-reset";
import { resetFactorAction } from "./actions";

export function FactorForm({ token, method }: { token: string; method: ResetMethod }) {
  const [state, action] = useActionState(resetFactorAction, emptyFormState);
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage message={state.message} />
      <input type="hidden" name="token" value={token} />
      <input type="hidden" name="method" value={method} />
      {method === "totp" ? (
        <CodeField
          key="totp"
          name="code"
          label="Authentication code"
          autoFocus
          state={state}
          hint="The 6-digit code from your authenticator app."
        />
      ) : method === "recovery" ? (
        <Field
          key="recovery"
          name="code"
          label="Recovery code"
          autoComplete="off"
          spellCheck={false}
          maxLength={24}
          autoFocus
          errors={state.errors?.code}
          hint="One of the codes you saved when you set up two-factor authentication, like ABCD-EFGH-IJKL-MNOP."
        />
      ) : state.errors?.code ? (
        <p className="text-sm text-red-700">{state.errors.code.join(" ")}</p>
      ) : null}
      <SubmitButton className="w-full">Continue</SubmitButton>
    </form>
  );
}
