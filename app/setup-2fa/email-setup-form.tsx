"use client";

import { useActionState } from "react";
import { CodeField, FormMessage, SubmitButton } from "@/app/_components/form";
import { EMAIL_CODE_TTL_MINUTES } from "@/lib/policy-constants";
import { confirmEmailSetupAction, sendSetupEmailCodeAction, type SetupState } from "./actions";

type Props = { maskedEmail: string; codeSent: boolean; justSent: boolean };

const initialState: SetupState = {};

export function EmailSetupForm({ maskedEmail, codeSent, justSent }: Props) {
  const [state, confirm] = useActionState(confirmEmailSetupAction, initialState);
  const [sendState, send] = useActionState(sendSetupEmailCodeAction, initialState);
  return (
    <div className="space-y-5">
      <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200">
        Email is a weaker second factor than an authenticator app: anyone who can read your email can receive
        the codes. You can switch to an app later in your security settings.
      </p>
      {codeSent ? (
        <form action={confirm} className="space-y-4" noValidate>
          {justSent ? <FormMessage tone="info" message={`We sent a code to ${maskedEmail}.`} /> : null}
          <FormMessage message={state.message} />
          <CodeField
            name="code"
            label="Code from the email"
            state={state}
            hint={`The 6-digit code is valid for ${EMAIL_CODE_TTL_MINUTES} minutes.`}
          />
          <SubmitButton className="w-full">Verify and enable</SubmitButton>
        </form>
      ) : (
        <p className="text-sm text-slate-700">
          We will email a 6-digit code to {maskedEmail} to confirm it is yours.
        </p>
      )}
      <form action={send} className="space-y-2">
        <FormMessage message={sendState.message} />
        <SubmitButton variant={codeSent ? "secondary" : "primary"}>
          {codeSent ? "Send a new code" : "Email me a code"}
        </SubmitButton>
      </form>
    </div>
  );
}
