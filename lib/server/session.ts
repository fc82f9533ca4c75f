import "server-only";
import type { User } from "@prisma/client";
import { redirect } from "next/navigation";
import { cache } from "react";
import { auth } from "@/auth";
import { isCompleteSession } from "@/lib/auth/config";
import { db } from "./db";

export type CurrentSession = { user: User };

// The signed-in user, checked against the database once per request: the
// session must have passed both factors and carry the user's current session
// version (which "sign out everywhere" bumps).
export const getCurrentSession = cache(async (): Promise<CurrentSession | null> => {
  const session = await auth();
  if (!isCompleteSession(session) || !session?.user?.id) return null;
  const user = await db.user.findUnique({ where: { id: session.user.id } });
  if (!user || !user.twoFactorMethod || user.sessionVersion !== session.sessionVersion) return null;
  return { user };
});

export async function requireSession(returnTo: string): Promise<CurrentSession> {
  const current = await getCurrentSession();
  if (!current) redirect(`/login?callbackUrl=${encodeURIComponent(returnTo)}`);
  return current;
}
