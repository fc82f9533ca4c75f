"use client";

import { PasskeyCeremony } from "@/app/_components/passkey-ceremony";
import { beginPasskeySetupAction, finishPasskeySetupAction } from "./actions";

// The third way at /setup-2fa: the browser's passkey prompt instead of a
// code. Without JavaScript the ceremony renders only its <noscript> note,
// and the app and email ways on the same page still work.
export function PasskeySetup() {
  return (
    <section aria-labelledby="passkey-setup-heading" className="space-y-2">
      <h2 id="passkey-setup-heading" className="text-sm font-medium text-slate-800">
        Or use a passkey
      </h2>
      <p className="text-sm text-slate-600">
        Your phone, laptop or security key signs you in with your fingerprint, face or PIN.
      </p>
      <PasskeyCeremony
        begin={beginPasskeySetupAction}
        finish={finishPasskeySetupAction}
        label="Use a passkey instead"
      />
    </section>
  );
}
