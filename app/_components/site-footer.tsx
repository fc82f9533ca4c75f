import Link from "next/link";

export function SiteFooter() {
  return (
    <footer className="border-t border-slate-200 bg-white">
      <div className="mx-auto flex max-w-3xl flex-wrap items-center justify-between gap-2 px-4 py-6 text-sm text-slate-500 sm:px-6">
        <p>Two-Factor App: a password and a second factor for every account.</p>
        <Link href="/token_input" className="hover:text-slate-900">
          Check a token
        </Link>
      </div>
    </footer>
  );
}
