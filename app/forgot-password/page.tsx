import type { Metadata } from "next";
import Link from "next/link";
import { devMailboxUrl, isDevMailboxOn } from "@/lib/server/mail/outbox";
import { ACCOUNT_CODE_MESSAGES } from "@/lib/server/policy";
import { ForgotForm } from "./forgot-form";

export const metadata: Metadata = { title: "Forgot password" };

export default function ForgotPasswordPage() {
  return (
    <div className="card mx-auto max-w-md space-y-6">
      <div className="space-y-1">
        <h1 className="text-2xl font-bold">Forgot your password?</h1>
        <p className="text-sm text-slate-600">
          Enter your username or email. If the account&apos;s email is verified, we send it a link to choose a
          new password; you will need your second factor too.
        </p>
      </div>
      <ForgotForm
        sentMessage={ACCOUNT_CODE_MESSAGES.resetRequested()}
        devMailboxUrl={isDevMailboxOn() ? devMailboxUrl() : undefined}
      />
      <p className="text-center text-sm text-slate-600">
        Remembered it?{" "}
        <Link href="/login" className="font-medium text-indigo-700 hover:underline">
          Sign in
        </Link>
      </p>
    </div>
  );
}
