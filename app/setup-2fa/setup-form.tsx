"use client";

import { useActionState, useEffect, useRef } from "react";
import { Field, FormMessage, SubmitButton } from "@/app/_components/form";
import { RecoveryCodes } from "@/app/_components/recovery-codes";
import { confirmSetupAction, continueAfterSetupAction, type SetupState } from "./actions";

type Props = { qrCodeDataUrl: string; setupKey: string };

export function SetupForm({ qrCodeDataUrl, setupKey }: Props) {
  const [state, action] = useActionState(confirmSetupAction, {} as SetupState);
  const codesHeading = useRef<HTMLHeadingElement>(null);
  // The code form disappears with its focused button: move focus to what replaced it.
  useEffect(() => {
    if (state.recoveryCodes) codesHeading.current?.focus();
  }, [state.recoveryCodes]);
  if (state.recoveryCodes) {
    return (
      <div className="space-y-5">
        <div className="space-y-1">
          <h2 ref={codesHeading} tabIndex={-1} className="text-lg font-semibold outline-none">
            Two-factor authentication is on. Save your recovery codes
          </h2>
          <p className="text-sm text-slate-600">
            If you lose your phone, each of these codes signs you in once. They are shown only now: store them
            somewhere safe, such as a password manager.
          </p>
        </div>
        <RecoveryCodes codes={state.recoveryCodes} />
        <form action={continueAfterSetupAction}>
          <SubmitButton className="w-full">Continue</SubmitButton>
        </form>
      </div>
    );
  }
  return (
    <div className="space-y-6">
      <ol className="list-decimal space-y-2 pl-5 text-sm text-slate-700">
        <li>Open your authenticator app (Google Authenticator, Authy, 1Password, Aegis, …).</li>
        <li>Scan the QR code, or type the setup key.</li>
        <li>Enter the 6-digit code the app shows.</li>
      </ol>
      <div className="flex flex-col items-center gap-3 sm:flex-row sm:items-start">
        {/* A data: URL made on the server; next/image would add nothing here. */}
        {/* eslint-disable-next-line @next/next/no-img-element */}
        <img
          src={qrCodeDataUrl}
          alt="QR code for your authenticator app"
          width={200}
          height={200}
          className="rounded-lg ring-1 ring-slate-200"
        />
        <div className="space-y-1 text-sm">
          <p className="font-medium text-slate-800">Setup key</p>
          <code
            data-testid="setup-key"
            className="block rounded bg-slate-100 px-2 py-1 font-mono text-sm break-all select-all"
          >
            {setupKey}
          </code>
          <p className="text-xs text-slate-500">Time-based, 6 digits, every 30 seconds.</p>
        </div>
      </div>
      <form action={action} className="space-y-4" noValidate>
        <FormMessage message={state.message} />
        <Field
          name="code"
          label="Authentication code"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9 ]*"
          maxLength={7}
          errors={state.errors?.code}
          required
        />
        <SubmitButton className="w-full">Verify and enable</SubmitButton>
      </form>
    </div>
  );
}
