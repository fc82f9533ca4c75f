"use client";

import { useEffect, useRef } from "react";
import { SubmitButton } from "@/app/_components/form";
import { RecoveryCodes } from "@/app/_components/recovery-codes";
import { continueAfterSetupAction } from "./actions";

// After the first code turned 2FA on, until Continue: the page's only way on.
export function RecoveryCodesStep({ codes }: { codes: string[] }) {
  const heading = useRef<HTMLHeadingElement>(null);
  // The code form's page was replaced: start reading here, not at the header.
  useEffect(() => heading.current?.focus(), []);
  return (
    <div className="space-y-5">
      <div className="space-y-1">
        <h1 ref={heading} tabIndex={-1} className="text-2xl font-bold outline-none">
          Two-factor authentication is on. Save your recovery codes
        </h1>
        <p className="text-sm text-slate-600">
          If you lose access to your second factor, each of these codes signs you in once. They are shown only
          until you continue: store them somewhere safe, such as a password manager.
        </p>
      </div>
      <RecoveryCodes codes={codes} />
      <form action={continueAfterSetupAction}>
        <SubmitButton className="w-full">Continue</SubmitButton>
      </form>
    </div>
  );
}
