import type { Metadata } from "next";
import { TokenForm } from "./token-form";

export const metadata: Metadata = { title: "Check a token" };

export default function TokenInputPage() {
  return (
    <div className="card mx-auto max-w-2xl space-y-6">
      <div className="space-y-1">
        <h1 className="text-2xl font-bold">Check a token</h1>
        <p className="text-sm text-slate-600">
          Paste an access token to learn whether it is valid, and if not, why: expired, bad signature,
          malformed, wrong type, revoked, or unknown user. The API does the same:{" "}
          <code className="font-mono text-xs">POST /api/token/validate</code>.
        </p>
      </div>
      <TokenForm />
    </div>
  );
}
