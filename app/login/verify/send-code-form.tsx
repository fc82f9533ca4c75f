"use client";

import { useActionState } from "react";
import { FormMessage, SubmitButton } from "@/app/_components/form";
import { emptyFormState } from "@/lib/validations/form-state";
import { sendEmailCodeAction } from "./actions";

export function SendCodeForm({ callbackUrl, label }: { callbackUrl: string; label: string }) {
  const [state, action] = useActionState(sendEmailCodeAction, emptyFormState);
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <SubmitButton variant="secondary">{label}</SubmitButton>
      <FormMessage message={state.message} />
    </form>
  );
}
