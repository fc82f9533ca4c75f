/** @jest-environment node */
import { createEnrolledUser, type TestUser } from "@/__tests__/kit/users";
import { METHOD_NAMES } from "@/lib/server/mail/senders";
import { db } from "@/lib/server/platform/db";
import type { CurrentSession } from "@/lib/server/sign-in/session";
import { signedInWithRecoveryCode } from "@/lib/server/sign-in/sign-in-method";

const signedInAt = Math.floor(Date.now() / 1000) - 600;

async function event(user: TestUser, type: string, secondsAfterSignIn: number, detail?: string) {
  await db.securityEvent.create({
    data: { userId: user.id, type, detail, createdAt: new Date((signedInAt + secondsAfterSignIn) * 1000) },
  });
}

async function sessionOf(user: TestUser): Promise<CurrentSession> {
  const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
  return { user: row, sessionId: "s1", authenticatedAt: signedInAt };
}

describe("signedInWithRecoveryCode", () => {
  it("is true for a session whose sign-in event says it used a recovery code", async () => {
    const user = await createEnrolledUser();
    await event(user, "sign_in", -1, METHOD_NAMES.totp);
    await event(user, "sign_in", 0, METHOD_NAMES.recovery);
    expect(await signedInWithRecoveryCode(await sessionOf(user))).toBe(true);
  });

  it("is false for a sign-in by another method, and goes by this session's sign-in, not a later one", async () => {
    const totp = await createEnrolledUser();
    await event(totp, "sign_in", 0, METHOD_NAMES.totp);
    expect(await signedInWithRecoveryCode(await sessionOf(totp))).toBe(false);

    const later = await createEnrolledUser();
    await event(later, "sign_in", 0, METHOD_NAMES.totp);
    await event(later, "sign_in", 120, METHOD_NAMES.recovery);
    expect(await signedInWithRecoveryCode(await sessionOf(later))).toBe(false);
  });

  it("is false once new recovery codes were made after that sign-in", async () => {
    const user = await createEnrolledUser();
    await event(user, "recovery_codes_regenerated", -60);
    await event(user, "sign_in", 0, METHOD_NAMES.recovery);
    expect(await signedInWithRecoveryCode(await sessionOf(user))).toBe(true);
    await event(user, "recovery_codes_regenerated", 30);
    expect(await signedInWithRecoveryCode(await sessionOf(user))).toBe(false);
  });

  it("is false without a sign-in event in the five minutes before the session", async () => {
    const user = await createEnrolledUser();
    expect(await signedInWithRecoveryCode(await sessionOf(user))).toBe(false);
    await event(user, "sign_in", -6 * 60, METHOD_NAMES.recovery);
    expect(await signedInWithRecoveryCode(await sessionOf(user))).toBe(false);
  });
});
