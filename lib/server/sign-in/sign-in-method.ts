import "server-only";
import { db } from "../platform/db";
import { METHOD_NAMES } from "../mail/senders";
import type { CurrentSession } from "./session";

// Whether this session's sign-in used a recovery code, from the server's own
// record, never from the URL. The "sign_in" event is written just before the
// session is issued (authenticatedAt, whole seconds), so this session's is
// the user's last one at or before that second. Two sign-ins of one account
// within the same second could be told apart wrongly; the banner is a
// reminder, not a security decision. Made new codes since: no reminder.
// The window this session's "sign_in" event was written in.
export function signInEventWindow(current: Pick<CurrentSession, "authenticatedAt">): {
  before: Date;
  since: Date;
} {
  const before = new Date((current.authenticatedAt + 1) * 1000);
  return { before, since: new Date(before.getTime() - 5 * 60_000) };
}

export async function signedInWithRecoveryCode(current: CurrentSession): Promise<boolean> {
  const { before, since } = signInEventWindow(current);
  const [signIn, regenerated] = await Promise.all([
    db.securityEvent.findFirst({
      where: {
        userId: current.user.id,
        type: "sign_in",
        createdAt: { lt: before, gte: since },
      },
      orderBy: { createdAt: "desc" },
      select: { detail: true, createdAt: true },
    }),
    db.securityEvent.findFirst({
      where: { userId: current.user.id, type: "recovery_codes_regenerated" },
      orderBy: { createdAt: "desc" },
      select: { createdAt: true },
    }),
  ]);
  if (signIn?.detail !== METHOD_NAMES.recovery) return false;
  return !regenerated || regenerated.createdAt < signIn.createdAt;
}
