"use client";

import {
  browserSupportsWebAuthn,
  startAuthentication,
  startRegistration,
  WebAuthnError,
} from "@simplewebauthn/browser";
import { useActionState, useSyncExternalStore, type ReactNode } from "react";
import { emptyFormState } from "@/lib/validations/form-state";
import type { PasskeyOptions, PasskeyState } from "@/lib/validations/passkeys";
import { FormMessage, SubmitButton } from "./form";

type Props = {
  // The first post: the form's own fields (a password and code where the
  // change needs them); it answers the options with a fresh challenge.
  begin: (previous: PasskeyState, formData: FormData) => Promise<PasskeyState>;
  // The second: the browser's answer in field "response", with `hidden` and
  // the values `begin` echoed; it signs in (a redirect) or answers a state.
  finish: (previous: PasskeyState, formData: FormData) => Promise<PasskeyState>;
  label: string;
  hidden?: Record<string, string>;
  fields?: (state: PasskeyState) => ReactNode;
  variant?: "primary" | "secondary";
  className?: string;
};

const NO_JAVASCRIPT = "Passkeys need JavaScript, which is off in this browser. Every other way still works.";
const UNSUPPORTED = "This browser cannot use passkeys. Every other way still works.";

// What went wrong in the browser's own prompt, as a person reads it.
function describeBrowserError(error: unknown): string {
  const code = error instanceof WebAuthnError ? error.code : "";
  const name = error instanceof Error ? (error.cause instanceof Error ? error.cause.name : error.name) : "";
  if (code === "ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED" || name === "InvalidStateError")
    return "This authenticator already holds a passkey for this account.";
  if (name === "NotAllowedError" || code === "ERROR_CEREMONY_ABORTED")
    return "The passkey prompt was closed or timed out. Try again.";
  return "This browser could not use a passkey here. Try again, or use another way.";
}

function runCeremony(options: PasskeyOptions) {
  return options.ceremony === "create"
    ? startRegistration({ optionsJSON: options.json })
    : startAuthentication({ optionsJSON: options.json });
}

// A passkey button: the server makes the options, the browser's prompt
// answers them, the answer is posted to `finish`. It needs JavaScript, so it
// renders only once the page runs it (and says so in <noscript>).
const noChange = () => () => {};
const browserSupport = () => (browserSupportsWebAuthn() ? "yes" : "no");
const serverSupport = () => "unknown";

export function PasskeyCeremony({
  begin,
  finish,
  label,
  hidden = {},
  fields,
  variant = "secondary",
  className = "",
}: Props) {
  // One client-side action runs both posts and the prompt between them, so
  // the button stays pending throughout and each answer replaces the last.
  const [state, action, pending] = useActionState(
    async (previous: PasskeyState, formData: FormData): Promise<PasskeyState> => {
      const answer = await begin(previous, formData);
      if (!answer.options) return answer;
      let response: Awaited<ReturnType<typeof runCeremony>>;
      try {
        response = await runCeremony(answer.options);
      } catch (error) {
        return { values: answer.values, message: describeBrowserError(error) };
      }
      const finishing = new FormData();
      for (const [name, value] of Object.entries({ ...hidden, ...answer.values })) finishing.set(name, value);
      finishing.set("response", JSON.stringify(response));
      const finished = await finish({ values: answer.values }, finishing);
      return { ...finished, message: finished.errors?.response?.join(" ") ?? finished.message };
    },
    emptyFormState as PasskeyState,
  );
  const support = useSyncExternalStore(noChange, browserSupport, serverSupport);

  if (support === "unknown")
    return (
      <noscript>
        <p className="text-sm text-slate-600">{NO_JAVASCRIPT}</p>
      </noscript>
    );
  if (support === "no") return <p className="text-sm text-slate-600">{UNSUPPORTED}</p>;
  return (
    <form action={action} className={`space-y-3 ${className}`} noValidate aria-busy={pending}>
      <FormMessage message={state.message} tone={state.done ? "info" : "error"} />
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {fields?.(state)}
      <SubmitButton variant={variant}>{label}</SubmitButton>
    </form>
  );
}
