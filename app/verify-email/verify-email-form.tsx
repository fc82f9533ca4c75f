"use client";

import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/app/_components/form";
import { emptyFormState } from "@/lib/validations/form-state";
import { resendVerificationAction, verifyEmailAction } from "./actions";

type Props = {
  // From the emailed link: filled in, never submitted by opening the link.
  code?: string;
  account?: string;
  purpose?: "change_email";
  canResend: boolean;
};

export function VerifyEmailForm({ code, account, purpose, canResend }: Props) {
  const [state, action] = useActionState(verifyEmailAction, emptyFormState);
  return (
    <div className="space-y-4">
      <form action={action} className="space-y-4" noValidate>
        <FormMessage message={state.message} />
        {account ? <input type="hidden" name="account" value={account} /> : null}
        {purpose ? <input type="hidden" name="purpose" value={purpose} /> : null}
        <Field
          name="code"
          label="Verification code"
          autoComplete="one-time-code"
          autoCapitalize="characters"
          spellCheck={false}
          maxLength={12}
          autoFocus
          defaultValue={code}
          errors={state.errors?.code}
          hint="8 letters and digits, from the email."
        />
        <SubmitButton className="w-full">Verify email</SubmitButton>
      </form>
      {canResend ? <ResendForm purpose={purpose} /> : null}
    </div>
  );
}

function ResendForm({ purpose }: { purpose?: "change_email" }) {
  const [state, action] = useActionState(resendVerificationAction, emptyFormState);
  return (
    <form action={action} className="space-y-2">
      {purpose ? <input type="hidden" name="purpose" value={purpose} /> : null}
      <SubmitButton variant="secondary">Send a new code</SubmitButton>
      <FormMessage message={state.message} tone={"sent" in state && state.sent ? "info" : "error"} />
    </form>
  );
}
