import type { Metadata } from "next";
import Link from "next/link";
import { findReset } from "@/lib/server/accounts/password-reset";
import { hasPasskey } from "@/lib/server/factors/passkey-store";
import { orUnavailablePage } from "@/lib/server/platform/unavailable";
import { ACCOUNT_CODE_MESSAGES, RESET_MESSAGES } from "@/lib/server/policy";
import { FactorForm } from "./factor-form";
import { NewPasswordForm } from "./new-password-form";
import { PasskeyFactorForm } from "./passkey-factor-form";
import { readResetSecret } from "./reset-cookie";

// The token is in this page's URL: no robots, and no link to another site
// (the Referrer-Policy keeps it from same-site links' Referer too).
export const metadata: Metadata = { title: "Reset your password", robots: { index: false, follow: false } };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

function AskAgain({ message }: { message: string }) {
  return (
    <div className="card mx-auto max-w-md space-y-6">
      <h1 className="text-2xl font-bold">Reset your password</h1>
      <p role="status" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200">
        {message}
      </p>
      <Link href="/forgot-password" className="btn-primary w-full text-center">
        Ask for a new link
      </Link>
    </div>
  );
}

export default async function ResetPasswordPage({ searchParams }: Props) {
  const params = await searchParams;
  const token = typeof params.token === "string" ? params.token : "";
  const found = await orUnavailablePage(findReset(token), "/reset-password");
  if (!found.ok)
    return (
      <AskAgain
        message={
          found.reason === "expired"
            ? ACCOUNT_CODE_MESSAGES.resetLinkExpired
            : ACCOUNT_CODE_MESSAGES.resetLinkInvalid
        }
      />
    );
  const { reset } = found;
  if (reset.factorVerified) {
    if (!(await readResetSecret())) return <AskAgain message={RESET_MESSAGES.factorProvenElsewhere} />;
    return (
      <div className="card mx-auto max-w-md space-y-6">
        <div className="space-y-1">
          <h1 className="text-2xl font-bold">Choose a new password</h1>
          <p className="text-sm text-slate-600">
            For {reset.username}. Every session will be signed out; then sign in with the new password.
          </p>
        </div>
        <NewPasswordForm token={token} />
      </div>
    );
  }

  // An account with an authenticator app may use it or a recovery code; one
  // whose only factor is email must use a recovery code (the link came by email).
  const requested = params.method === "recovery" ? "recovery" : "totp";
  const method =
    reset.twoFactorMethod === null ? "none" : reset.twoFactorMethod === "totp" ? requested : "recovery";
  // A passkey counts too; it leads where the only other way is a recovery code.
  const passkeys =
    method !== "none" && (await orUnavailablePage(hasPasskey(reset.userId), "/reset-password"));
  const passkeyLeads = passkeys && method === "recovery" && reset.twoFactorMethod !== "totp";
  const link = (next: "totp" | "recovery") =>
    `/reset-password?token=${encodeURIComponent(token)}${next === "recovery" ? "&method=recovery" : ""}`;
  return (
    <div className="card mx-auto max-w-md space-y-6">
      <div className="space-y-1">
        <h1 className="text-2xl font-bold">Reset your password</h1>
        <p className="text-sm text-slate-600">
          {method === "none"
            ? `${reset.username} has no second factor yet: continue to choose a new password, then set one up when you sign in.`
            : method === "totp"
              ? `First prove it is you: enter the code from the authenticator app of ${reset.username}.`
              : passkeyLeads
                ? `First prove it is you: use a passkey of ${reset.username}, or enter one of its recovery codes.`
                : reset.twoFactorMethod === "email"
                  ? `First prove it is you: this link came by email, so enter one of the recovery codes of ${reset.username}.`
                  : `First prove it is you: enter one of the recovery codes of ${reset.username}. Each code works once.`}
        </p>
      </div>
      {passkeyLeads ? <PasskeyFactorForm token={token} lead /> : null}
      <FactorForm token={token} method={method} />
      {reset.twoFactorMethod === "totp" || (passkeys && !passkeyLeads) ? (
        <div className="flex flex-wrap items-start gap-3 border-t border-slate-200 pt-4 text-sm">
          {passkeys && !passkeyLeads ? <PasskeyFactorForm token={token} lead={false} /> : null}
          {reset.twoFactorMethod !== "totp" ? null : method === "totp" ? (
            <Link href={link("recovery")} className="btn-secondary">
              Use a recovery code
            </Link>
          ) : (
            <Link href={link("totp")} className="btn-secondary">
              Use your authenticator app
            </Link>
          )}
        </div>
      ) : null}
    </div>
  );
}
