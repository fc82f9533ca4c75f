"use server";

import { signOut } from "@/auth";
import { endSession, getCurrentSession } from "@/lib/server/session";

export async function signOutAction(): Promise<void> {
  const current = await getCurrentSession();
  if (current) await endSession(current);
  await signOut({ redirectTo: "/" });
}
