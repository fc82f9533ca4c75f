import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { safeCallbackPath } from "@/lib/auth/routes";
import { getCurrentSession } from "@/lib/server/sign-in/session";
import { orUnavailablePage } from "@/lib/server/platform/unavailable";
import { RESET_MESSAGES } from "@/lib/server/policy";
import { LoginForm } from "./login-form";
import { PasskeySignInForm } from "./passkey-sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function LoginPage({ searchParams }: Props) {
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(typeof params.callbackUrl === "string" ? params.callbackUrl : null);
  if (await orUnavailablePage(getCurrentSession(), "/login")) redirect(callbackUrl);
  const notice =
    params.expired !== undefined
      ? "Your sign-in expired or had too many wrong codes. Sign in again."
      : params.signedOut !== undefined
        ? "You have been signed out."
        : params.passwordChanged !== undefined
          ? "Your password was changed and every session was signed out. Sign in with your new password."
          : params.setupCancelled !== undefined
            ? "Setup was cancelled. Sign in again to set up two-factor authentication."
            : params.reset !== undefined
              ? RESET_MESSAGES.passwordResetDone
              : undefined;
  return (
    <div className="card mx-auto max-w-md space-y-6">
      <h1 className="text-2xl font-bold">Sign in</h1>
      <LoginForm callbackUrl={callbackUrl} notice={notice} />
      {/* Needs JavaScript; without it the component leaves a <noscript> note. */}
      <div className="border-t border-slate-200 pt-4">
        <PasskeySignInForm callbackUrl={callbackUrl} />
      </div>
    </div>
  );
}
