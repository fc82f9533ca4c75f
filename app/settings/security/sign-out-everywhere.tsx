import Link from "next/link";
import { SubmitButton } from "@/app/_components/form";
import { signOutEverywhereAction } from "./actions";

export const CONFIRM_SIGN_OUT_EVERYWHERE = "sign-out-everywhere";

// Two steps that work without JavaScript: the first button only asks (a GET
// to this page with ?confirm=...), the second signs out. No script dialog.
export function SignOutEverywhere({ confirming }: { confirming: boolean }) {
  if (!confirming) {
    return (
      <form method="get" action="/settings/security">
        <input type="hidden" name="confirm" value={CONFIRM_SIGN_OUT_EVERYWHERE} />
        <button type="submit" className="btn-secondary">
          Sign out everywhere…
        </button>
      </form>
    );
  }
  return (
    <form
      action={signOutEverywhereAction}
      className="space-y-3 rounded-md bg-amber-50 p-4 text-sm text-amber-900 ring-1 ring-amber-200"
    >
      <p role="status">
        Sign out of every device, this browser included, and revoke every access token? You will need your
        password and a code to sign in again.
      </p>
      <div className="flex flex-wrap items-center gap-3">
        <SubmitButton>Sign out everywhere</SubmitButton>
        <Link href="/settings/security" className="btn-secondary">
          Keep me signed in
        </Link>
      </div>
    </form>
  );
}
