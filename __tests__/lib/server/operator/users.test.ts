/** @jest-environment node */
import { seedAccountWithEveryRow } from "@/__tests__/kit/account-rows";
import { uniqueName } from "@/__tests__/kit/names";
import { createEnrolledUser } from "@/__tests__/kit/users";
import { db } from "@/lib/server/platform/db";
import { describeUser, findUser, listUsers } from "@/lib/server/operator/users";

describe("findUser", () => {
  it("finds an account by username or by email, whatever the case and spaces", async () => {
    const user = await createEnrolledUser();
    expect((await findUser(db, ` ${user.username.toUpperCase()} `))?.id).toBe(user.id);
    expect((await findUser(db, user.email.toUpperCase()))?.id).toBe(user.id);
    expect(await findUser(db, uniqueName("nobody"))).toBeNull();
    expect(await findUser(db, "  ")).toBeNull();
  });
});

describe("listUsers", () => {
  it("gives each account's method, verification and latest sign-in", async () => {
    const user = await createEnrolledUser();
    const [older, newer] = [new Date(Date.now() - 60_000), new Date()];
    await db.securityEvent.createMany({
      data: [older, newer].map((createdAt) => ({ userId: user.id, type: "sign_in", createdAt })),
    });
    const never = await createEnrolledUser();
    const users = await listUsers(db);
    expect(users.find((row) => row.username === user.username)).toMatchObject({
      email: user.email,
      twoFactorMethod: "totp",
      emailVerified: false,
      lastSignInAt: newer,
    });
    expect(users.find((row) => row.username === never.username)?.lastSignInAt).toBeNull();
  });
});

describe("describeUser", () => {
  it("counts factors, passkeys, recovery codes left and live tokens, and names recent events, with no secret", async () => {
    const seeded = await seedAccountWithEveryRow();
    await db.recoveryCode.updateMany({
      where: { userId: seeded.id, codeHash: { not: "" } },
      data: { usedAt: null },
    });
    const first = await db.recoveryCode.findFirstOrThrow({ where: { userId: seeded.id } });
    await db.recoveryCode.update({ where: { id: first.id }, data: { usedAt: new Date() } });
    const user = await db.user.findUniqueOrThrow({ where: { id: seeded.id } });
    const details = await describeUser(db, user);
    expect(details).toMatchObject({
      username: user.username,
      authenticatorApp: true,
      passkeys: 1,
      recoveryCodesLeft: 9,
      liveAccessTokens: 1,
      pendingSignIns: 1,
      sessions: [expect.objectContaining({ ip: "203.0.113.9", browser: expect.any(String) })],
    });
    expect(details.recentEvents[0]).toMatchObject({ label: "Signed in", ip: "203.0.113.9" });
    const text = JSON.stringify(details);
    const factor = await db.totpFactor.findUniqueOrThrow({ where: { userId: user.id } });
    for (const secret of [
      user.passwordHash,
      factor.secretCiphertext,
      first.codeHash,
      seeded.secret,
      ...seeded.recoveryCodes,
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});
