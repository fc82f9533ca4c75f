"use client";

import { useActionState } from "react";
import { CodeField, FormMessage, SubmitButton } from "@/app/_components/form";
import { cancelReenrolAction, confirmReenrolAction, startReenrolAction, type ReenrolState } from "./actions";
import { ReauthFields } from "./reauth-fields";

export type PendingSwitch = { qrCodeDataUrl: string; setupKey: string };

// `pending` comes from the server (the switch is kept in the database), so a
// reload shows it again; "Cancel" discards it.
const initialState: ReenrolState = {};

export function ReenrolForm({ pending }: { pending: PendingSwitch | null }) {
  const [started, start] = useActionState(startReenrolAction, initialState);
  const [confirmed, confirm] = useActionState(confirmReenrolAction, initialState);
  if (pending) {
    return (
      <div className="space-y-4">
        <p className="text-sm text-slate-600">
          Scan this QR code with your new authenticator app, then enter the code it shows. Until then your
          current app keeps working.
        </p>
        <div className="flex flex-col items-center gap-3 sm:flex-row sm:items-start">
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img
            src={pending.qrCodeDataUrl}
            alt="QR code for your new authenticator app"
            width={180}
            height={180}
            className="rounded-lg ring-1 ring-slate-200"
          />
          <code
            data-testid="new-setup-key"
            className="rounded bg-slate-100 px-2 py-1 font-mono text-sm break-all"
          >
            {pending.setupKey}
          </code>
        </div>
        <form action={confirm} className="space-y-4" noValidate>
          <FormMessage message={confirmed.message} />
          <CodeField name="newCode" label="Code from your new app" state={confirmed} />
          <SubmitButton>Switch to the new app</SubmitButton>
        </form>
        <form action={cancelReenrolAction}>
          <SubmitButton variant="secondary">Cancel</SubmitButton>
        </form>
      </div>
    );
  }
  return (
    <div className="space-y-4">
      {confirmed.done ? <FormMessage tone="info" message={confirmed.message} /> : null}
      <form action={start} className="space-y-4" noValidate>
        <FormMessage message={started.message} />
        <ReauthFields idPrefix="reenrol" state={started} />
        <SubmitButton variant="secondary">Set up a new authenticator app</SubmitButton>
      </form>
    </div>
  );
}
