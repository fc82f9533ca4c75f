"use client";

import { useActionState } from "react";
import { CodeField, FormMessage, SubmitButton } from "@/app/_components/form";
import { confirmSetupAction, type SetupState } from "./actions";

type Props = { qrCodeDataUrl: string; setupKey: string };

const initialState: SetupState = {};

export function SetupForm({ qrCodeDataUrl, setupKey }: Props) {
  const [state, action] = useActionState(confirmSetupAction, initialState);
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
          className="rounded-lg bg-[#fff] p-2 ring-1 ring-slate-200"
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
        <CodeField name="code" label="Authentication code" state={state} />
        <SubmitButton className="w-full">Verify and enable</SubmitButton>
      </form>
    </div>
  );
}
