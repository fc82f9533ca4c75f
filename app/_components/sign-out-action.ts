"use server";

import { signOut } from "@/auth";
import { pageAction } from "@/lib/server/sign-in/action";
import { endSession, getCurrentSession } from "@/lib/server/sign-in/session";

// While the database is unreachable the session cannot be recorded as
// ended, so the 503 page says to try again rather than seem to sign out.
// Signed out already, it goes on to the sign-in page all the same.
export async function signOutAction(): Promise<void> {
  return pageAction({
    guard: "none",
    path: "/",
    run: async () => {
      const current = await getCurrentSession();
      if (current) await endSession(current);
      // The sign-in page says "You have been signed out.", as after "Sign out everywhere".
      await signOut({ redirectTo: "/login?signedOut=1" });
    },
  })();
}
