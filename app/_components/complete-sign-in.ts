import "server-only";
import { AuthError } from "next-auth";
import { redirect } from "next/navigation";
import { signIn } from "@/auth";
import { clearChallengeCookie, currentChallengeToken } from "@/lib/server/sign-in/challenge";

// Turns this browser's verified challenge into a session (auth.ts consumes
// it) and goes on to `redirectTo`. Never returns.
export async function completeSignIn(redirectTo: string): Promise<never> {
  const token = await currentChallengeToken();
  await clearChallengeCookie();
  try {
    await signIn("credentials", { challenge: token ?? "", redirectTo });
  } catch (error) {
    // signIn's success is a redirect, which must propagate.
    if (error instanceof AuthError) redirect("/login?expired=1");
    throw error;
  }
  redirect(redirectTo);
}
