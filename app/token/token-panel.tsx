"use client";

import { CopyButton } from "@/app/_components/copy-button";
import { useActionState } from "react";
import { FormMessage, SubmitButton } from "@/app/_components/form";
import { emailTokenAction, issueTokenAction, type EmailTokenState } from "./actions";
import { Countdown, TokenExpiry } from "./expiry";

type Props = { token: string; expiresAt: number; renderedAt: number };

const initialState: EmailTokenState = {};

export function TokenPanel({ token, expiresAt, renderedAt }: Props) {
  const [emailState, emailAction] = useActionState(emailTokenAction, initialState);
  return (
    <div className="space-y-4">
      <pre
        data-testid="access-token"
        className="rounded-lg bg-slate-900 p-4 font-mono text-xs break-all whitespace-pre-wrap text-slate-100"
      >
        {token}
      </pre>
      <p className="text-sm text-slate-600">
        <TokenExpiry expiresAt={expiresAt} renderedAt={renderedAt} />
        {" · "}
        <Countdown expiresAt={expiresAt} renderedAt={renderedAt} />
      </p>
      <div className="flex flex-wrap items-center gap-2">
        <CopyButton text={token} label="Copy token" />
        <form action={issueTokenAction}>
          <SubmitButton variant="secondary">Issue a new token</SubmitButton>
        </form>
        <form action={emailAction}>
          <SubmitButton variant="secondary">Email me this token</SubmitButton>
        </form>
      </div>
      <p className="text-sm text-slate-600">
        Issuing a new token revokes this one. Your security settings list every live token, each with
        &quot;Revoke&quot;; &quot;Sign out everywhere&quot; there revokes every token at once.
      </p>
      <FormMessage tone={emailState.sent ? "info" : "error"} message={emailState.message} />
    </div>
  );
}
