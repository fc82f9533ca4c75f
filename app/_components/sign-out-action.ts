"use server";

import { signOut } from "@/auth";
import { endSession, getCurrentSession } from "@/lib/server/sign-in/session";
import { orUnavailablePage } from "@/lib/server/platform/unavailable";

export async function signOutAction(): Promise<void> {
  // While the database is unreachable the session cannot be recorded as
  // ended, so the 503 page says to try again rather than seem to sign out.
  const end = async () => {
    const current = await getCurrentSession();
    if (current) await endSession(current);
  };
  await orUnavailablePage(end(), "/");
  // The sign-in page says "You have been signed out.", as after "Sign out everywhere".
  await signOut({ redirectTo: "/login?signedOut=1" });
}
