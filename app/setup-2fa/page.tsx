import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { SubmitButton } from "@/app/_components/form";
import { getUserById } from "@/lib/server/accounts/accounts";
import { getPendingChallenge } from "@/lib/server/sign-in/challenge";
import { getRegistrationStep } from "@/lib/server/sign-in/registration";
import { hasActiveEmailCode } from "@/lib/server/factors/email-codes";
import { maskEmail } from "@/lib/server/factors/email-sign-in";
import { env } from "@/lib/server/platform/env";
import { getEnrolmentSecret, getShownRecoveryCodes } from "@/lib/server/factors/enrolment";
import { describeTotpSetup } from "@/lib/server/factors/two-factor";
import { orUnavailablePage } from "@/lib/server/platform/unavailable";
import { continueAfterSetupAction } from "./actions";
import { EmailSetupForm } from "./email-setup-form";
import { PasskeySetup } from "./passkey-setup";
import { RecoveryCodesStep } from "./recovery-codes-step";
import { SetupForm } from "./setup-form";

export const metadata: Metadata = { title: "Set up two-factor authentication" };

function Expired() {
  return (
    <div className="card mx-auto max-w-md space-y-4">
      <h1 className="text-2xl font-bold">Set up two-factor authentication</h1>
      <p className="text-slate-600">
        Your setup session has expired or was not started. Sign in with your password to continue setting up.
      </p>
      <Link href="/login" className="btn-primary">
        Sign in
      </Link>
    </div>
  );
}

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function SetupTwoFactorPage({ searchParams }: Props) {
  const params = await searchParams;
  const challenge = await orUnavailablePage(getPendingChallenge("enrol"), "/setup-2fa");
  const user = challenge ? await orUnavailablePage(getUserById(challenge.userId), "/setup-2fa") : null;
  // DESIGN.md §4: the address first. A decoy registration step goes there too.
  if (!challenge && (await orUnavailablePage(getRegistrationStep(), "/setup-2fa"))) redirect("/verify-email");
  if (!challenge || !user) return <Expired />;
  if (!challenge.verified && !user.emailVerifiedAt && !user.twoFactorMethod) redirect("/verify-email");

  // The codes screen: nothing on it leads away but Continue (and copy or
  // download); rendered here, so it needs no JavaScript and survives a reload.
  const recoveryCodes = challenge.verified
    ? await orUnavailablePage(getShownRecoveryCodes(challenge.id), "/setup-2fa")
    : null;
  if (recoveryCodes) {
    return (
      <div className="card mx-auto max-w-lg">
        <RecoveryCodesStep codes={recoveryCodes} />
      </div>
    );
  }
  if (challenge.verified || user.twoFactorMethod) {
    return (
      <div className="card mx-auto max-w-md space-y-4">
        <h1 className="text-2xl font-bold">Two-factor authentication is on</h1>
        <p className="text-slate-600">Your account is protected. Continue to your dashboard.</p>
        <form action={continueAfterSetupAction}>
          <SubmitButton className="w-full">Continue</SubmitButton>
        </form>
      </div>
    );
  }

  if (params.method === "email" && env.EMAIL_SECOND_FACTOR) {
    return (
      <div className="card mx-auto max-w-lg space-y-6">
        <div className="space-y-1">
          <h1 className="text-2xl font-bold">Get sign-in codes by email</h1>
          <p className="text-sm text-slate-600">
            Setting up <span className="font-medium text-slate-900">{user.username}</span>. Every sign-in will
            ask for a code we email you after your password.
          </p>
        </div>
        <EmailSetupForm
          maskedEmail={maskEmail(user.email)}
          codeSent={await hasActiveEmailCode(challenge.id)}
          justSent={params.sent !== undefined}
        />
        <div className="space-y-4 border-t border-slate-200 pt-4">
          <PasskeySetup />
          <Link href="/setup-2fa" className="block text-sm font-medium text-indigo-700 hover:underline">
            Use an authenticator app instead
          </Link>
        </div>
      </div>
    );
  }

  const secret = await orUnavailablePage(getEnrolmentSecret(challenge.id), "/setup-2fa");
  if (!secret) return <Expired />;
  const setup = await describeTotpSetup(user.username, secret);
  return (
    <div className="card mx-auto max-w-lg space-y-6">
      <div className="space-y-1">
        <h1 className="text-2xl font-bold">Set up two-factor authentication</h1>
        <p className="text-sm text-slate-600">
          Setting up <span className="font-medium text-slate-900">{user.username}</span>. Every sign-in will
          ask for a code from your authenticator app after your password.
        </p>
      </div>
      <SetupForm qrCodeDataUrl={setup.qrCodeDataUrl} setupKey={setup.setupKey} />
      <div className="space-y-4 border-t border-slate-200 pt-4">
        <PasskeySetup />
        {env.EMAIL_SECOND_FACTOR ? (
          <p className="text-sm text-slate-600">
            No authenticator app or passkey?{" "}
            <Link href="/setup-2fa?method=email" className="font-medium text-indigo-700 hover:underline">
              Send codes to my email instead
            </Link>
          </p>
        ) : null}
      </div>
    </div>
  );
}
