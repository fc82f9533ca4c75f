import Link from "next/link";
import { isDatabaseUnavailable } from "@/lib/server/platform/db";
import { getSetupInProgress } from "@/lib/server/factors/enrolment";
import { getCurrentSession } from "@/lib/server/sign-in/session";
import { SetupStatus } from "./setup-status";
import { SignOutButton } from "./sign-out-button";

function ignoreUnavailable(error: unknown): null {
  if (isDatabaseUnavailable(error)) return null;
  throw error;
}

export async function SiteHeader() {
  // While the database is unreachable the page says so (lib/server/platform/unavailable.ts);
  // the header alone does not turn a page that works into an error.
  const current = await getCurrentSession().catch(ignoreUnavailable);
  const username = current?.user.username;
  const setup = username ? null : await getSetupInProgress().catch(ignoreUnavailable);
  return (
    <header className="border-b border-slate-200 bg-white">
      <nav
        aria-label="Main"
        className="mx-auto flex max-w-3xl items-center justify-between gap-4 px-4 py-4 sm:px-6"
      >
        <Link href="/" className="flex items-center gap-2 font-semibold text-slate-900">
          <svg aria-hidden="true" viewBox="0 0 32 32" className="h-7 w-7">
            <rect width="32" height="32" rx="8" fill="#4f46e5" />
            <path d="M16 7l8 3v6c0 5-3.5 8.5-8 10-4.5-1.5-8-5-8-10v-6z" fill="#fff" />
          </svg>
          Two-Factor App
        </Link>
        {username ? (
          <div className="flex items-center gap-4 text-sm">
            <Link href="/dashboard" className="text-slate-700 hover:text-slate-900">
              Dashboard
            </Link>
            <span className="hidden text-slate-500 sm:inline">
              Signed in as <span className="font-medium text-slate-900">{username}</span>
            </span>
            <SignOutButton />
          </div>
        ) : setup ? (
          <SetupStatus username={setup.username} canCancel={!setup.verified} />
        ) : (
          <div className="flex items-center gap-3 text-sm">
            <Link href="/login" className="font-medium text-slate-700 hover:text-slate-900">
              Sign in
            </Link>
            <Link href="/register" className="btn-primary">
              Register
            </Link>
          </div>
        )}
      </nav>
    </header>
  );
}
