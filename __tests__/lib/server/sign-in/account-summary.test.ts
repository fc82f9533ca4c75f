/** @jest-environment node */
import { createEnrolledUser, type TestUser } from "@/__tests__/kit/users";
import { accountSummary } from "@/lib/server/sign-in/account-summary";
import { consumeRecoveryCode } from "@/lib/server/factors/recovery-codes";
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

// The hot path's one statement (SQLite) answers what the Prisma queries do.
async function expectSummary(
  user: TestUser,
  expected: { recoveryCodesLeft: number; usedRecoveryCode: boolean },
) {
  const current = await sessionOf(user);
  expect(await accountSummary(current)).toEqual(expected);
  expect(await signedInWithRecoveryCode(current)).toBe(expected.usedRecoveryCode);
}

describe("accountSummary", () => {
  it("counts the recovery codes left", async () => {
    const user = await createEnrolledUser();
    await expectSummary(user, { recoveryCodesLeft: 10, usedRecoveryCode: false });
    expect(await consumeRecoveryCode(user.id, user.recoveryCodes[0])).toBeTruthy();
    await expectSummary(user, { recoveryCodesLeft: 9, usedRecoveryCode: false });
  });

  it("says this session's sign-in used a recovery code, by its own event, not a later one", async () => {
    const user = await createEnrolledUser();
    await event(user, "sign_in", -1, METHOD_NAMES.totp);
    await event(user, "sign_in", 0, METHOD_NAMES.recovery);
    await expectSummary(user, { recoveryCodesLeft: 10, usedRecoveryCode: true });

    const later = await createEnrolledUser();
    await event(later, "sign_in", 0, METHOD_NAMES.totp);
    await event(later, "sign_in", 120, METHOD_NAMES.recovery);
    await expectSummary(later, { recoveryCodesLeft: 10, usedRecoveryCode: false });
  });

  it("forgets the recovery code once new codes were made after that sign-in", async () => {
    const user = await createEnrolledUser();
    await event(user, "recovery_codes_regenerated", -60);
    await event(user, "sign_in", 0, METHOD_NAMES.recovery);
    await expectSummary(user, { recoveryCodesLeft: 10, usedRecoveryCode: true });
    await event(user, "recovery_codes_regenerated", 30);
    await expectSummary(user, { recoveryCodesLeft: 10, usedRecoveryCode: false });
  });

  it("looks only at the five minutes before the session", async () => {
    const user = await createEnrolledUser();
    await event(user, "sign_in", -6 * 60, METHOD_NAMES.recovery);
    await expectSummary(user, { recoveryCodesLeft: 10, usedRecoveryCode: false });
  });
});
