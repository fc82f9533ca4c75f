import type { Metadata } from "next";
import Link from "next/link";
import { accountSummary } from "@/lib/server/sign-in/account-summary";
import { requireSession } from "@/lib/server/sign-in/session";

export const metadata: Metadata = { title: "Dashboard" };

const METHOD_LABELS: Record<string, string> = {
  totp: "Authenticator app",
  email: "Emailed codes",
  passkey: "Passkey",
};

export default async function DashboardPage() {
  const current = await requireSession("/dashboard");
  const { user } = current;
  const { recoveryCodesLeft: codesLeft, usedRecoveryCode } = await accountSummary(current);
  return (
    <div className="space-y-6">
      {usedRecoveryCode ? (
        <div
          role="status"
          className="rounded-md bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-200"
        >
          You signed in with a recovery code. You have {codesLeft} recovery{" "}
          {codesLeft === 1 ? "code" : "codes"} left.{" "}
          <Link href="/settings/security" className="font-medium underline">
            Make new ones
          </Link>
        </div>
      ) : null}
      <div className="card space-y-4">
        <h1 className="text-2xl font-bold">Hello, {user.username}</h1>
        <dl className="grid gap-3 text-sm sm:grid-cols-2">
          <div>
            <dt className="text-slate-500">Email</dt>
            <dd className="font-medium">{user.email}</dd>
          </div>
          <div>
            <dt className="text-slate-500">Second factor</dt>
            <dd className="font-medium">{METHOD_LABELS[user.twoFactorMethod ?? ""] ?? "Not set up"}</dd>
          </div>
          <div>
            <dt className="text-slate-500">Recovery codes left</dt>
            <dd className="font-medium" data-testid="recovery-codes-left">
              {codesLeft}
            </dd>
          </div>
          <div>
            <dt className="text-slate-500">Member since</dt>
            <dd className="font-medium">{user.createdAt.toISOString().slice(0, 10)}</dd>
          </div>
        </dl>
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <Link href="/settings/security" className="card !p-5 hover:ring-2 hover:ring-indigo-200">
          <h2 className="font-semibold">Security settings</h2>
          <p className="mt-1 text-sm text-slate-600">Two-factor method, recovery codes, recent activity.</p>
        </Link>
        <Link href="/token" className="card !p-5 hover:ring-2 hover:ring-indigo-200">
          <h2 className="font-semibold">Access token</h2>
          <p className="mt-1 text-sm text-slate-600">Your API token, its expiry, and a fresh one.</p>
        </Link>
      </div>
    </div>
  );
}
