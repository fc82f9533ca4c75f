import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { safeCallbackPath } from "@/lib/auth/routes";
import { getPendingChallenge } from "@/lib/server/challenge";
import { VerifyForm } from "./verify-form";

export const metadata: Metadata = { title: "Verify it's you" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function VerifyPage({ searchParams }: Props) {
  const challenge = await getPendingChallenge("signin");
  if (!challenge) redirect("/login?expired=1");
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(typeof params.callbackUrl === "string" ? params.callbackUrl : null);
  const method = params.method === "recovery" ? "recovery" : "totp";
  const query = (next: string) =>
    `/login/verify?method=${next}&callbackUrl=${encodeURIComponent(callbackUrl)}`;
  return (
    <div className="card mx-auto max-w-md space-y-6">
      <div className="space-y-1">
        <h1 className="text-2xl font-bold">Verify it&apos;s you</h1>
        <p className="text-sm text-slate-600">
          {method === "totp"
            ? "Enter the code from your authenticator app to finish signing in."
            : "Enter one of your recovery codes. Each code works once."}
        </p>
      </div>
      <VerifyForm method={method} callbackUrl={callbackUrl} />
      <div className="space-y-2 border-t border-slate-200 pt-4 text-sm">
        {method === "totp" ? (
          <Link href={query("recovery")} className="font-medium text-indigo-700 hover:underline">
            Use a recovery code
          </Link>
        ) : (
          <Link href={query("totp")} className="font-medium text-indigo-700 hover:underline">
            Use your authenticator app
          </Link>
        )}
      </div>
    </div>
  );
}
