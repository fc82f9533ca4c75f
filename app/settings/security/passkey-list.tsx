"use client";

import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/app/_components/form";
import { LocalTime } from "@/app/_components/local-time";
import { PASSKEY_NAME_MAX } from "@/lib/validations/passkeys";
import {
  confirmRemovePasskeyAction,
  removePasskeyAction,
  renamePasskeyAction,
  type RemovePasskeyState,
  type RenamePasskeyState,
} from "./passkey-actions";
import { ReauthFields } from "./reauth-fields";

// What the page gives the list: the times as ISO strings (the list is a
// client component), shown in the viewer's time zone.
export type PasskeyView = {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  backedUp: boolean;
};

const initialRename: RenamePasskeyState = {};
const initialRemoval: RemovePasskeyState = {};

function RenameForm({ passkey }: { passkey: PasskeyView }) {
  const [state, action] = useActionState(renamePasskeyAction, initialRename);
  return (
    <form action={action} className="flex flex-wrap items-end gap-2" noValidate>
      <input type="hidden" name="passkeyId" value={passkey.id} />
      <div className="min-w-48 flex-1">
        <Field
          id={`rename-passkey-${passkey.id}`}
          name="name"
          label="New name"
          maxLength={PASSKEY_NAME_MAX}
          autoComplete="off"
          state={state.done ? undefined : state}
        />
      </div>
      <SubmitButton variant="secondary">Rename</SubmitButton>
      <div className="basis-full">
        <FormMessage tone={state.done ? "info" : "error"} message={state.message} />
      </div>
    </form>
  );
}

// Both steps of a removal work without JavaScript: "Remove" re-renders the
// page with the confirmation (password and code), "Remove passkey" removes.
export function PasskeyList({ passkeys }: { passkeys: PasskeyView[] }) {
  const [asked, ask] = useActionState(confirmRemovePasskeyAction, initialRemoval);
  const [removed, remove] = useActionState(removePasskeyAction, initialRemoval);
  const latest = (removed.answeredAt ?? 0) > (asked.answeredAt ?? 0) ? removed : asked;
  const confirming = latest.done ? undefined : latest.confirming;
  return (
    <div className="space-y-3">
      <FormMessage tone={latest.done ? "info" : "error"} message={confirming ? undefined : latest.message} />
      {passkeys.length === 0 ? (
        <p className="text-sm text-slate-500">No passkeys yet.</p>
      ) : (
        <ul className="divide-y divide-slate-100">
          {passkeys.map((passkey) => (
            <li key={passkey.id} data-testid="passkey" className="space-y-3 py-3">
              <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1 text-sm">
                <span className="font-medium break-all">{passkey.name}</span>
                {passkey.backedUp ? (
                  <span className="rounded bg-emerald-50 px-1.5 text-xs text-emerald-800">Synced</span>
                ) : null}
                <span className="text-slate-600">
                  Added <LocalTime iso={passkey.createdAt} />
                </span>
                <span className="text-slate-600">
                  {passkey.lastUsedAt ? (
                    <>
                      Last used <LocalTime iso={passkey.lastUsedAt} />
                    </>
                  ) : (
                    "Never used"
                  )}
                </span>
              </div>
              <RenameForm passkey={passkey} />
              {confirming === passkey.id ? (
                <div className="space-y-3 rounded-md bg-amber-50 p-4 text-sm text-amber-900 ring-1 ring-amber-200">
                  <form action={remove} className="space-y-3" noValidate>
                    <p role="status">
                      Remove “{passkey.name}”? It will no longer sign you in. Enter your password and a
                      current code.
                    </p>
                    <FormMessage message={latest.message} />
                    <input type="hidden" name="passkeyId" value={passkey.id} />
                    <ReauthFields idPrefix={`remove-passkey-${passkey.id}`} state={latest} />
                    <SubmitButton>Remove passkey</SubmitButton>
                  </form>
                  <form method="get" action="/settings/security">
                    <button type="submit" className="btn-secondary">
                      Keep it
                    </button>
                  </form>
                </div>
              ) : (
                <form action={ask}>
                  <input type="hidden" name="passkeyId" value={passkey.id} />
                  <SubmitButton variant="secondary">Remove</SubmitButton>
                </form>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
