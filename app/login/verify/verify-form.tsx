"use client";

import { useActionState } from "react";
import { CodeField, Field, FormMessage, SubmitButton } from "@/app/_components/form";
import { EMAIL_CODE_TTL_MINUTES } from "@/lib/policy-constants";
import { emptyFormState } from "@/lib/validations/form-state";
import { verifyAction } from "./actions";

type Props = { method: "totp" | "recovery" | "email"; callbackUrl: string };

export function VerifyForm({ method, callbackUrl }: Props) {
  const [state, action] = useActionState(verifyAction, emptyFormState);
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage message={state.message} />
      <input type="hidden" name="method" value={method} />
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      {method === "totp" ? (
        <CodeField
          key="totp"
          name="code"
          label="Authentication code"
          autoFocus
          state={state}
          hint="The 6-digit code from your authenticator app."
        />
      ) : method === "email" ? (
        <CodeField
          key="email"
          name="code"
          label="Code from the email"
          autoFocus
          state={state}
          hint={`The 6-digit code we emailed you. It is valid for ${EMAIL_CODE_TTL_MINUTES} minutes.`}
        />
      ) : (
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
      )}
      <SubmitButton className="w-full">Verify</SubmitButton>
    </form>
  );
}
