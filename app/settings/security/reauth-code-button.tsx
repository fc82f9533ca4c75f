"use client";

import { useActionState } from "react";
import { FormMessage, SubmitButton } from "@/app/_components/form";
import { emptyFormState } from "@/lib/validations/form-state";
import { sendReauthCodeAction } from "./actions";

export function ReauthCodeButton() {
  const [state, action] = useActionState(sendReauthCodeAction, emptyFormState);
  return (
    <form action={action} className="space-y-2">
      <SubmitButton variant="secondary">Email me a code</SubmitButton>
      <FormMessage tone="info" message={state.message} />
    </form>
  );
}
