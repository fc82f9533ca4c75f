import type { Metadata } from "next";
import Link from "next/link";
import { SubmitButton } from "@/app/_components/form";
import { currentAccessToken } from "@/lib/server/tokens/access-tokens";
import { env } from "@/lib/server/platform/env";
import { requireSession } from "@/lib/server/sign-in/session";
import { issueTokenAction } from "./actions";
import { TokenPanel } from "./token-panel";

export const metadata: Metadata = { title: "Access token" };

// The time the page was rendered, which the countdown starts from until the
// browser's clock takes over (token-panel hydrates to the same text).
const renderTime = (): number => Date.now();

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function TokenPage({ searchParams }: Props) {
  const { user } = await requireSession("/token");
  const params = await searchParams;
  const current = await currentAccessToken(user);
  return (
    <div className="card space-y-6">
      <div className="space-y-1">
        <h1 className="text-2xl font-bold">Your access token</h1>
        <p className="text-sm text-slate-600">
          A JSON Web Token for the API, valid for {Math.round(env.ACCESS_TOKEN_TTL / 60)} minutes. Anyone who
          holds it can act as you until it expires: keep it secret. &quot;Issue a new token&quot; revokes this
          one; you can also revoke tokens one by one in your{" "}
          <Link
            href="/settings/security#access-tokens"
            className="font-medium text-indigo-700 hover:underline"
          >
            security settings
          </Link>
          , and &quot;Sign out everywhere&quot; revokes them all.
        </p>
      </div>
      {params.issued !== undefined ? (
        <p className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900 ring-1 ring-emerald-200">
          A new token was issued, and the one it replaces was revoked.
        </p>
      ) : null}
      {params.limited !== undefined ? (
        <p className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200">
          Too many new tokens. Try again in a few minutes.
        </p>
      ) : null}
      {current ? (
        <TokenPanel token={current.token} expiresAt={current.claims.exp * 1000} renderedAt={renderTime()} />
      ) : (
        <div className="space-y-3">
          <p className="text-slate-700">Your last token has expired.</p>
          <form action={issueTokenAction}>
            <SubmitButton>Issue a new token</SubmitButton>
          </form>
        </div>
      )}
      <div className="space-y-2 border-t border-slate-200 pt-4 text-sm text-slate-600">
        <p className="font-medium text-slate-800">Use it</p>
        <pre className="overflow-x-auto rounded bg-slate-100 p-3 font-mono text-xs">
          curl -H &quot;Authorization: Bearer $TOKEN&quot; {env.APP_URL}/api/me
        </pre>
        <p>
          Check any token on{" "}
          <Link href="/token_input" className="font-medium text-indigo-700 hover:underline">
            the token checker
          </Link>
          .
        </p>
      </div>
    </div>
  );
}
