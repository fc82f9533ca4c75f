"use client";

import { PasskeyCeremony } from "@/app/_components/passkey-ceremony";
import { beginResetPasskeyAction, finishResetPasskeyAction } from "./actions";

// "Use a passkey": one of the account's passkeys as the reset's second factor.
export function PasskeyFactorForm({ token, lead }: { token: string; lead: boolean }) {
  return (
    <PasskeyCeremony
      begin={beginResetPasskeyAction}
      finish={finishResetPasskeyAction}
      label="Use a passkey"
      hidden={{ token }}
      variant={lead ? "primary" : "secondary"}
    />
  );
}
