"use client";

import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/app/_components/form";
import { forgotPasswordAction, type ForgotState } from "./actions";

const initialState: ForgotState = {};

// The answer to a sent request reads the same whatever the name.
export function ForgotForm({ sentMessage, devMailboxUrl }: { sentMessage: string; devMailboxUrl?: string }) {
  const [state, action] = useActionState(forgotPasswordAction, initialState);
  return (
    <form action={action} className="space-y-5" noValidate>
      <FormMessage message={state.message} />
      {state.sent ? (
        <div role="status" className="space-y-2">
          <FormMessage tone="info" message={sentMessage} />
          {devMailboxUrl ? (
            <p className="text-sm text-slate-600">
              In development the email goes to the local outbox:{" "}
              <a href={devMailboxUrl} className="font-medium text-indigo-700 hover:underline">
                open /dev/mail
              </a>
              .
            </p>
          ) : null}
        </div>
      ) : null}
      <Field name="identifier" label="Username or email" autoComplete="username" state={state} />
      <SubmitButton className="w-full">Send reset link</SubmitButton>
    </form>
  );
}
