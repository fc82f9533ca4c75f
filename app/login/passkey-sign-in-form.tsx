"use client";

import { PasskeyCeremony } from "@/app/_components/passkey-ceremony";
import { beginPasskeySignInAction, finishPasskeySignInAction } from "./actions";

// "Sign in with a passkey": a passkey with user verification, no password.
export function PasskeySignInForm({ callbackUrl }: { callbackUrl: string }) {
  return (
    <PasskeyCeremony
      begin={beginPasskeySignInAction}
      finish={finishPasskeySignInAction}
      label="Sign in with a passkey"
      hidden={{ callbackUrl }}
      className="[&_button]:w-full"
    />
  );
}
