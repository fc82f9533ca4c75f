"use client";

import { Field, PasswordField } from "@/app/_components/form";
import type { FormState } from "@/lib/validations/form-state";

// Password and a current second factor, asked before any 2FA change.
export function ReauthFields({ idPrefix, state }: { idPrefix: string; state: FormState }) {
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <PasswordField
        id={`${idPrefix}-password`}
        name="password"
        label="Current password"
        autoComplete="current-password"
        state={state}
      />
      <Field
        id={`${idPrefix}-code`}
        name="code"
        label="Current code"
        autoComplete="one-time-code"
        errors={state.errors?.code}
        hint="From your authenticator app or your email, or a recovery code."
      />
    </div>
  );
}
