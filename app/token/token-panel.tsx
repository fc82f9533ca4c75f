"use client";

import { CopyButton } from "@/app/_components/copy-button";
import { useActionState, useEffect, useState } from "react";
import { FormMessage, SubmitButton } from "@/app/_components/form";
import { emailTokenAction, issueTokenAction, type EmailTokenState } from "./actions";

function useSecondsLeft(expiresAt: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return Math.max(0, Math.floor((expiresAt - now) / 1000));
}

function Countdown({ expiresAt }: { expiresAt: number }) {
  const left = useSecondsLeft(expiresAt);
  const text =
    left === 0 ? "expired" : `${Math.floor(left / 60)} min ${String(left % 60).padStart(2, "0")} s left`;
  return <span data-testid="token-countdown">{text}</span>;
}

export function TokenPanel({ token, expiresAt }: { token: string; expiresAt: number }) {
  const [emailState, emailAction] = useActionState(emailTokenAction, {} as EmailTokenState);
  return (
    <div className="space-y-4">
      <pre
        data-testid="access-token"
        className="rounded-lg bg-slate-900 p-4 font-mono text-xs break-all whitespace-pre-wrap text-slate-100"
      >
        {token}
      </pre>
      <p className="text-sm text-slate-600">
        Expires at{" "}
        <time dateTime={new Date(expiresAt).toISOString()}>{new Date(expiresAt).toISOString()}</time> (
        <Countdown expiresAt={expiresAt} />)
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
      <FormMessage tone={emailState.sent ? "info" : "error"} message={emailState.message} />
    </div>
  );
}
