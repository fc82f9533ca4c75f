"use server";

import { signOut } from "@/auth";
import { pageAction } from "@/lib/server/sign-in/action";
import { endSession, getCurrentSession } from "@/lib/server/sign-in/session";

// While the database is unreachable the session cannot be recorded as
// ended, so the 503 page says to try again rather than seem to sign out.
// Signed out already, it goes on to the sign-in page all the same.
const signOutHandler = pageAction({
  guard: "none",
  path: "/",
  run: async () => {
    const current = await getCurrentSession();
    if (current) await endSession(current);
    // The sign-in page says "You have been signed out.", as after "Sign out everywhere".
    await signOut({ redirectTo: "/login?signedOut=1" });
  },
});

// Exported as declared functions: Next.js names an action by an id that
// encodes the parameters it declares, which middleware checks posts against
// (lib/auth/form-posts.ts); a wrapper's result would declare none.
export async function signOutAction(): Promise<void> {
  return signOutHandler();
}
