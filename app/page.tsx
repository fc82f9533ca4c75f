import Link from "next/link";
import { getCurrentSession } from "@/lib/server/sign-in/session";
import { orUnavailablePage } from "@/lib/server/platform/unavailable";
import { ACCOUNT_DELETION_MESSAGES } from "@/lib/server/policy";

const features = [
  {
    title: "A real second factor",
    text: "Sign in with your password and a code from an authenticator app, a code sent by email, or a one-time recovery code.",
  },
  {
    title: "Access tokens you can use",
    text: "Every sign-in issues a short-lived access token (a JWT) for the API. See it, email it to yourself, or check any token.",
  },
  {
    title: "Built to resist attack",
    text: "Slow, salted password hashes, one-time codes, brute-force limits that survive restarts, and notices for every new sign-in.",
  },
];

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function HomePage({ searchParams }: Props) {
  const current = await orUnavailablePage(getCurrentSession(), "/");
  const username = current?.user.username;
  // After "Delete my account permanently" (app/settings/security/delete-account-actions.ts).
  const deleted = !username && (await searchParams).deleted !== undefined;
  return (
    <div className="space-y-10">
      {deleted ? (
        <p
          role="status"
          className="rounded-md bg-indigo-50 px-4 py-3 text-sm text-indigo-900 ring-1 ring-indigo-200"
        >
          {ACCOUNT_DELETION_MESSAGES.accountDeleted}
        </p>
      ) : null}
      <section className="space-y-4">
        <h1 className="text-3xl font-bold tracking-tight sm:text-4xl">
          {username ? `Welcome back, ${username}` : "Accounts protected by two factors"}
        </h1>
        <p className="max-w-2xl text-lg text-slate-600">
          Register, scan a QR code with your authenticator app, and sign in with your password and a six-digit
          code. Nobody gets into your account with your password alone.
        </p>
        <div className="flex flex-wrap gap-3">
          {username ? (
            <Link href="/dashboard" className="btn-primary">
              Go to your dashboard
            </Link>
          ) : (
            <>
              <Link href="/register" className="btn-primary">
                Create an account
              </Link>
              <Link href="/login" className="btn-secondary">
                Sign in
              </Link>
            </>
          )}
        </div>
      </section>
      <section aria-label="Features" className="grid gap-4 sm:grid-cols-3">
        {features.map((feature) => (
          <div key={feature.title} className="card !p-5">
            <h2 className="font-semibold">{feature.title}</h2>
            <p className="mt-2 text-sm text-slate-600">{feature.text}</p>
          </div>
        ))}
      </section>
    </div>
  );
}
