import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { safeCallbackPath } from "@/lib/auth/routes";
import { getUserById } from "@/lib/server/accounts/accounts";
import { getPendingChallenge } from "@/lib/server/sign-in/challenge";
import { hasActiveEmailCode } from "@/lib/server/factors/email-codes";
import { hasPasskey } from "@/lib/server/factors/passkey-store";
import { EMAIL_CODES_OFF, maskEmail, sendCodeOnArrival } from "@/lib/server/factors/email-sign-in";
import { env } from "@/lib/server/platform/env";
import { orUnavailablePage } from "@/lib/server/platform/unavailable";
import { PasskeyStepForm } from "./passkey-step-form";
import { SendCodeForm } from "./send-code-form";
import { VerifyForm } from "./verify-form";

export const metadata: Metadata = { title: "Verify it's you" };

type Method = "totp" | "recovery" | "email" | "passkey";
type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const INTRO: Record<Method, string> = {
  totp: "Enter the code from your authenticator app to finish signing in.",
  recovery: "Enter one of your recovery codes. Each code works once.",
  email: "Enter the 6-digit code we emailed you to finish signing in.",
  passkey: "Use your passkey to finish signing in.",
};

const NO_CODE_YET = "Ask for a 6-digit code by email to finish signing in.";

export default async function VerifyPage({ searchParams }: Props) {
  const challenge = await orUnavailablePage(getPendingChallenge("signin"), "/login/verify");
  const user = challenge ? await orUnavailablePage(getUserById(challenge.userId), "/login/verify") : null;
  if (!challenge || !user) redirect("/login?expired=1");
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(typeof params.callbackUrl === "string" ? params.callbackUrl : null);
  const requested = typeof params.method === "string" ? params.method : "";
  const passkeys = await orUnavailablePage(hasPasskey(user.id), "/login/verify");
  // An account enrolled with a passkey leads with it (and, should it have
  // none left, with its recovery codes).
  const fallback: Method =
    user.twoFactorMethod === "passkey"
      ? passkeys
        ? "passkey"
        : "recovery"
      : user.twoFactorMethod === "email"
        ? "email"
        : "totp";
  const method: Method =
    requested === "totp" || requested === "recovery" || requested === "email"
      ? requested
      : requested === "passkey" && passkeys
        ? "passkey"
        : fallback;
  const emailOff = !env.EMAIL_SECOND_FACTOR;
  // An email user is sent the code on arrival (once per sign-in), not after a click.
  const arrival =
    method === "email" && !emailOff && user.twoFactorMethod === "email"
      ? await orUnavailablePage(sendCodeOnArrival(challenge), "/login/verify")
      : { sent: false };
  const codeSent = method === "email" && !emailOff && (await hasActiveEmailCode(challenge.id));
  const link = (next: Method) =>
    `/login/verify?method=${next}&callbackUrl=${encodeURIComponent(callbackUrl)}`;

  return (
    <div className="card mx-auto max-w-md space-y-6">
      <div className="space-y-1">
        <h1 className="text-2xl font-bold">Verify it&apos;s you</h1>
        <p className="text-sm text-slate-600">
          {method === "email" && !codeSent ? NO_CODE_YET : INTRO[method]}
        </p>
      </div>
      {method === "email" && emailOff ? (
        <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200">
          {EMAIL_CODES_OFF}
        </p>
      ) : null}
      {arrival.message ? (
        <p className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200">
          {arrival.message}
        </p>
      ) : null}
      {method === "email" && codeSent && (params.sent !== undefined || arrival.sent) ? (
        <p className="rounded-md bg-indigo-50 px-3 py-2 text-sm text-indigo-900 ring-1 ring-indigo-200">
          We sent a code to {maskEmail(user.email)}.
        </p>
      ) : null}
      {method === "passkey" ? (
        <PasskeyStepForm callbackUrl={callbackUrl} lead />
      ) : method !== "email" || codeSent ? (
        <VerifyForm method={method} callbackUrl={callbackUrl} />
      ) : null}
      {method === "email" && !emailOff ? (
        <SendCodeForm callbackUrl={callbackUrl} label={codeSent ? "Send a new code" : "Email me a code"} />
      ) : null}
      {/* Every other way is a button of the same size, so that they line up. */}
      <div className="flex flex-wrap items-start gap-3 border-t border-slate-200 pt-4 text-sm">
        {method !== "passkey" && passkeys ? <PasskeyStepForm callbackUrl={callbackUrl} lead={false} /> : null}
        {method !== "recovery" ? (
          <Link href={link("recovery")} className="btn-secondary">
            Use a recovery code
          </Link>
        ) : null}
        {method !== "totp" && user.twoFactorMethod === "totp" ? (
          <Link href={link("totp")} className="btn-secondary">
            Use your authenticator app
          </Link>
        ) : null}
        {method !== "email" && !emailOff ? (
          <SendCodeForm callbackUrl={callbackUrl} label="Email me a code" />
        ) : null}
      </div>
    </div>
  );
}
