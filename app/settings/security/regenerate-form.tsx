"use client";

import { useActionState } from "react";
import { FormMessage, SubmitButton } from "@/app/_components/form";
import { RecoveryCodes } from "@/app/_components/recovery-codes";
import { regenerateRecoveryCodesAction, type RegenerateState } from "./actions";
import { ReauthFields } from "./reauth-fields";

const initialState: RegenerateState = {};

export function RegenerateForm() {
  const [state, action] = useActionState(regenerateRecoveryCodesAction, initialState);
  if (state.recoveryCodes) {
    return (
      <div className="space-y-3">
        <FormMessage tone="info" message={state.message} />
        <RecoveryCodes codes={state.recoveryCodes} />
      </div>
    );
  }
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage message={state.message} />
      <ReauthFields idPrefix="regenerate" state={state} />
      <SubmitButton variant="secondary">Regenerate recovery codes</SubmitButton>
    </form>
  );
}
