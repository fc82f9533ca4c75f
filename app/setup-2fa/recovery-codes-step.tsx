"use client";

import { useEffect, useRef } from "react";
import { SubmitButton } from "@/app/_components/form";
import { RecoveryCodes } from "@/app/_components/recovery-codes";
import { continueAfterSetupAction } from "./actions";

// Shown once, after the first code turned 2FA on.
export function RecoveryCodesStep({ codes }: { codes: string[] }) {
  const heading = useRef<HTMLHeadingElement>(null);
  // The code form disappeared with its focused button: focus what replaced it.
  useEffect(() => heading.current?.focus(), []);
  return (
    <div className="space-y-5">
      <div className="space-y-1">
        <h2 ref={heading} tabIndex={-1} className="text-lg font-semibold outline-none">
          Two-factor authentication is on. Save your recovery codes
        </h2>
        <p className="text-sm text-slate-600">
          If you lose access to your second factor, each of these codes signs you in once. They are shown only
          now: store them somewhere safe, such as a password manager.
        </p>
      </div>
      <RecoveryCodes codes={codes} />
      <form action={continueAfterSetupAction}>
        <SubmitButton className="w-full">Continue</SubmitButton>
      </form>
    </div>
  );
}
