import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { pendingCodeAddress } from "@/lib/server/accounts/email-verification";
import { isDevMailboxOn } from "@/lib/server/mail/outbox";
import { ACCOUNT_CODE_TTL_MINUTES } from "@/lib/server/policy";
import { orUnavailablePage } from "@/lib/server/platform/unavailable";
import { getPendingChallenge } from "@/lib/server/sign-in/challenge";
import { getRegistrationStep } from "@/lib/server/sign-in/registration";
import { getCurrentSession } from "@/lib/server/sign-in/session";
import { VerifyEmailForm } from "./verify-email-form";

export const metadata: Metadata = { title: "Verify your email" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const one = (value: string | string[] | undefined): string | undefined =>
  typeof value === "string" ? value.slice(0, 64) : undefined;

function Card({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div className="card mx-auto max-w-md space-y-6">
      <h1 className="text-2xl font-bold">{title}</h1>
      {children}
    </div>
  );
}

function DevMailbox() {
  // DESIGN.md §3: in development, while SMTP_URL is unset, the emails are on /dev/mail.
  if (!isDevMailboxOn()) return null;
  return (
    <p className="border-t border-slate-200 pt-4 text-sm text-slate-600">
      Development: no mail server is set up.{" "}
      <Link href="/dev/mail" className="font-medium text-indigo-700 hover:underline">
        Open the development mailbox
      </Link>
    </p>
  );
}

// Who is proving an address here, in this order: a signed-in user confirming
// an email change (purpose=change_email) or whose address is unverified; this
// browser's registration step (an account, or the decoy a taken address gets:
// both render the same); an emailed link opened in another browser. The page
// names the address and nothing else of the account.
export default async function VerifyEmailPage({ searchParams }: Props) {
  const params = await searchParams;
  const done = one(params.done);
  const code = one(params.code);
  const account = one(params.account);
  const changing = params.purpose === "change_email";
  const session = await orUnavailablePage(getCurrentSession(), "/verify-email");

  if (done === "changed" || done === "verified") {
    return (
      <Card title={done === "changed" ? "Your email address was changed" : "Your email address is verified"}>
        <p className="text-slate-600">
          {session
            ? "Thank you. Your account uses this address from now on."
            : "Thank you. Sign in to continue setting up your account."}
        </p>
        <Link href={session ? "/settings/security" : "/login"} className="btn-primary">
          {session ? "Back to security settings" : "Sign in"}
        </Link>
      </Card>
    );
  }

  let address: string | null = null;
  let canResend = true;
  let noCodeYet = false;
  if (changing) {
    if (!session) redirect(`/login?callbackUrl=${encodeURIComponent("/verify-email?purpose=change_email")}`);
    address = await orUnavailablePage(pendingCodeAddress(session.user.id, "change_email"), "/verify-email");
  } else if (session && !session.user.emailVerifiedAt) {
    address = session.user.email;
    // Asked from the settings page: no code may have been sent yet.
    noCodeYet = !(await orUnavailablePage(
      pendingCodeAddress(session.user.id, "verify_email"),
      "/verify-email",
    ));
  } else {
    const step = await orUnavailablePage(getRegistrationStep(), "/verify-email");
    if (step) address = step.email;
    else if (await orUnavailablePage(getPendingChallenge("enrol"), "/verify-email")) redirect("/setup-2fa");
    else if (account) canResend = false;
    else if (session) redirect("/dashboard");
    else {
      return (
        <Card title="Verify your email">
          <p className="text-slate-600">
            There is nothing to verify in this browser. Open the link in the email, or sign in to continue.
          </p>
          <Link href="/login" className="btn-primary">
            Sign in
          </Link>
          <DevMailbox />
        </Card>
      );
    }
  }

  return (
    <Card title="Verify your email">
      <p className="text-slate-600">
        {address && noCodeYet ? (
          <>
            Press Send a new code, and we email a code to{" "}
            <span className="font-medium text-slate-900">{address}</span>.
          </>
        ) : address ? (
          <>
            Check your inbox: we emailed a code to{" "}
            <span className="font-medium text-slate-900">{address}</span>.
          </>
        ) : (
          "Enter the code from the email."
        )}{" "}
        It is valid for {ACCOUNT_CODE_TTL_MINUTES.verify_email} minutes. Enter it below, or open the link in
        the email and press Verify email.
      </p>
      <VerifyEmailForm
        code={code}
        account={account}
        purpose={changing ? "change_email" : undefined}
        canResend={canResend}
      />
      <DevMailbox />
    </Card>
  );
}
