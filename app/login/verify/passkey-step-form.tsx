"use client";

import { PasskeyCeremony } from "@/app/_components/passkey-ceremony";
import { beginPasskeyStepAction, finishPasskeyStepAction } from "./actions";

// "Use a passkey": the second step with one of the account's passkeys.
export function PasskeyStepForm({ callbackUrl, lead }: { callbackUrl: string; lead: boolean }) {
  return (
    <PasskeyCeremony
      begin={beginPasskeyStepAction}
      finish={finishPasskeyStepAction}
      label="Use a passkey"
      hidden={{ callbackUrl }}
      variant={lead ? "primary" : "secondary"}
    />
  );
}
