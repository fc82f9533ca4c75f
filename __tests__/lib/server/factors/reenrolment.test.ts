/** @jest-environment node */
import { createEnrolledUser, currentCode } from "@/__tests__/kit/users";
import { cancelTotpReenrolment, getPendingReenrolment } from "@/lib/server/factors/reenrolment";
import { startTotpReenrolment, verifySecondFactor } from "@/lib/server/factors/two-factor";
import { db } from "@/lib/server/platform/db";
import { decryptSecret } from "@/lib/server/platform/encryption";

const userRow = (id: string) =>
  db.user.findUniqueOrThrow({ where: { id }, select: { id: true, username: true, twoFactorMethod: true } });

describe("getPendingReenrolment", () => {
  it("is null until a switch starts, then shows the same new key on every load", async () => {
    const user = await createEnrolledUser();
    const row = await userRow(user.id);
    expect(await getPendingReenrolment(row)).toBeNull();
    const secret = await startTotpReenrolment(user.id);
    const first = await getPendingReenrolment(row);
    const second = await getPendingReenrolment(row);
    expect(first?.uri).toContain(`secret=${secret}`);
    expect(first?.setupKey.replace(/ /g, "")).toBe(secret);
    expect(first?.qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);
    expect(second).toEqual(first);
  });

  it("is null for an account without a second factor, whatever is stored", async () => {
    const user = await createEnrolledUser();
    await startTotpReenrolment(user.id);
    expect(await getPendingReenrolment({ ...(await userRow(user.id)), twoFactorMethod: null })).toBeNull();
  });
});

describe("cancelTotpReenrolment", () => {
  it("drops the pending secret and keeps the current app working", async () => {
    const user = await createEnrolledUser();
    await startTotpReenrolment(user.id);
    await cancelTotpReenrolment(user.id);
    const factor = await db.totpFactor.findUniqueOrThrow({ where: { userId: user.id } });
    expect(factor.pendingCiphertext).toBeNull();
    expect(decryptSecret(factor.secretCiphertext)).toBe(user.secret);
    expect(await getPendingReenrolment(await userRow(user.id))).toBeNull();
    expect(await verifySecondFactor(user.id, "totp", await currentCode(user.secret))).toEqual({ ok: true });
  });

  it("removes the factor row an email or passkey user's switch made, and only that", async () => {
    const user = await createEnrolledUser();
    await db.totpFactor.delete({ where: { userId: user.id } });
    await db.user.update({ where: { id: user.id }, data: { twoFactorMethod: "email" } });
    await startTotpReenrolment(user.id);
    expect(await db.totpFactor.count({ where: { userId: user.id } })).toBe(1);
    await cancelTotpReenrolment(user.id);
    expect(await db.totpFactor.count({ where: { userId: user.id } })).toBe(0);
    expect((await userRow(user.id)).twoFactorMethod).toBe("email");

    const passkeyUser = await createEnrolledUser();
    await db.totpFactor.delete({ where: { userId: passkeyUser.id } });
    await db.user.update({ where: { id: passkeyUser.id }, data: { twoFactorMethod: "passkey" } });
    await startTotpReenrolment(passkeyUser.id);
    await cancelTotpReenrolment(passkeyUser.id);
    expect(await db.totpFactor.count({ where: { userId: passkeyUser.id } })).toBe(0);
    expect((await userRow(passkeyUser.id)).twoFactorMethod).toBe("passkey");

    const totpUser = await createEnrolledUser();
    await cancelTotpReenrolment(totpUser.id);
    expect(await db.totpFactor.count({ where: { userId: totpUser.id } })).toBe(1);
  });

  it("removes the factor row a passkey user's switch made", async () => {
    const user = await createEnrolledUser();
    await db.totpFactor.delete({ where: { userId: user.id } });
    await db.user.update({ where: { id: user.id }, data: { twoFactorMethod: "passkey" } });
    await startTotpReenrolment(user.id);
    await cancelTotpReenrolment(user.id);
    expect(await db.totpFactor.count({ where: { userId: user.id } })).toBe(0);
    expect((await userRow(user.id)).twoFactorMethod).toBe("passkey");
  });
});
