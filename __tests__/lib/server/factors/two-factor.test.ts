/** @jest-environment node */
import { createEnrolledUser, currentCode } from "@/__tests__/kit/users";
import { SoftwareAuthenticator } from "@/__tests__/kit/software-authenticator";
import { issueEmailCode } from "@/lib/server/factors/email-codes";
import {
  finishPasskeyRegistration,
  listPasskeys,
  removePasskey,
  startPasskeyRegistration,
} from "@/lib/server/factors/passkeys";
import {
  confirmTotpReenrolment,
  describeTotpSetup,
  startTotpReenrolment,
  verifySecondFactor,
} from "@/lib/server/factors/two-factor";
import { db } from "@/lib/server/platform/db";

const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");

async function signInChallenge(userId: string): Promise<string> {
  const row = await db.signInChallenge.create({
    data: {
      userId,
      purpose: "signin",
      tokenHash: `${userId}-${Math.random()}`,
      expiresAt: new Date(Date.now() + 300_000),
    },
  });
  return row.id;
}

describe("describeTotpSetup", () => {
  it("gives the otpauth URI for the user, the key in groups and a QR image", async () => {
    const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    const setup = await describeTotpSetup("alice", secret);
    expect(setup.uri).toMatch(/^otpauth:\/\/totp\//);
    expect(setup.uri).toContain("alice");
    expect(setup.uri).toContain(`secret=${secret}`);
    expect(setup.setupKey.replace(/ /g, "")).toBe(secret);
    expect(setup.setupKey).toContain(" ");
    expect(setup.qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);
  });
});

describe("verifySecondFactor", () => {
  it("accepts a current authenticator code once: the same code is refused after", async () => {
    const user = await createEnrolledUser();
    const code = await currentCode(user.secret);
    expect(await verifySecondFactor(user.id, "totp", code)).toEqual({ ok: true });
    expect(await verifySecondFactor(user.id, "totp", code)).toEqual({ ok: false });
  });

  it("refuses a wrong authenticator code, and any code for an account without a confirmed app", async () => {
    const user = await createEnrolledUser();
    expect(await verifySecondFactor(user.id, "totp", wrongCode(await currentCode(user.secret)))).toEqual({
      ok: false,
    });
    await db.totpFactor.update({ where: { userId: user.id }, data: { confirmedAt: null } });
    expect(await verifySecondFactor(user.id, "totp", await currentCode(user.secret))).toEqual({ ok: false });
  });

  it("spends a recovery code once and says how many are left", async () => {
    const user = await createEnrolledUser();
    expect(await verifySecondFactor(user.id, "recovery", user.recoveryCodes[3])).toEqual({
      ok: true,
      recoveryCodesLeft: 9,
    });
    expect(await verifySecondFactor(user.id, "recovery", user.recoveryCodes[3])).toEqual({ ok: false });
  });

  it("takes an emailed code only for the challenge it was sent for", async () => {
    const user = await createEnrolledUser();
    const challengeId = await signInChallenge(user.id);
    const other = await signInChallenge(user.id);
    const issued = await issueEmailCode(user.id, challengeId);
    if (!issued.ok) throw new Error("expected a code");
    expect(await verifySecondFactor(user.id, "email", issued.code)).toEqual({ ok: false });
    expect(await verifySecondFactor(user.id, "email", issued.code, other)).toEqual({ ok: false });
    expect(await verifySecondFactor(user.id, "email", issued.code, challengeId)).toEqual({ ok: true });
    expect(await verifySecondFactor(user.id, "email", issued.code, challengeId)).toEqual({ ok: false });
  });
});

describe("re-enrolment", () => {
  it("keeps the current app working until the new one proves itself, then only the new one works", async () => {
    const user = await createEnrolledUser();
    const next = await startTotpReenrolment(user.id);
    expect(next).not.toBe(user.secret);
    expect(await verifySecondFactor(user.id, "totp", await currentCode(user.secret))).toEqual({ ok: true });

    expect(await confirmTotpReenrolment(user.id, wrongCode(await currentCode(next)))).toBe(false);
    expect(await confirmTotpReenrolment(user.id, await currentCode(next))).toBe(true);
    // The step just used to confirm is spent; the next one of the new app works, the old app's does not.
    expect(await verifySecondFactor(user.id, "totp", await currentCode(next))).toEqual({ ok: false });
    expect(await verifySecondFactor(user.id, "totp", await currentCode(user.secret, 1))).toEqual({
      ok: false,
    });
    expect(await verifySecondFactor(user.id, "totp", await currentCode(next, 1))).toEqual({ ok: true });
  });

  it("moves an email user to the authenticator app when the new app is confirmed", async () => {
    const user = await createEnrolledUser();
    await db.totpFactor.delete({ where: { userId: user.id } });
    await db.user.update({ where: { id: user.id }, data: { twoFactorMethod: "email" } });
    const secret = await startTotpReenrolment(user.id);
    expect(await confirmTotpReenrolment(user.id, await currentCode(secret))).toBe(true);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).twoFactorMethod).toBe("totp");
  });

  it("moves a passkey account to the authenticator app once the app is confirmed, keeping its passkey", async () => {
    const user = await createEnrolledUser();
    await db.totpFactor.delete({ where: { userId: user.id } });
    await db.user.update({ where: { id: user.id }, data: { twoFactorMethod: "passkey" } });
    const authenticator = new SoftwareAuthenticator();
    const registered = await finishPasskeyRegistration(
      user,
      authenticator.register(await startPasskeyRegistration(user)),
      "Phone",
    );
    if (!registered.ok) throw new Error(`registration refused: ${registered.reason}`);

    const secret = await startTotpReenrolment(user.id);
    // Until its first code, the new app is no factor of the account.
    expect(await verifySecondFactor(user.id, "totp", await currentCode(secret))).toEqual({ ok: false });
    expect(await removePasskey(user.id, registered.passkey.id)).toEqual({ ok: false, reason: "last factor" });

    expect(await confirmTotpReenrolment(user.id, await currentCode(secret))).toBe(true);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).twoFactorMethod).toBe("totp");
    expect(await verifySecondFactor(user.id, "totp", await currentCode(secret, 1))).toEqual({ ok: true });
    expect((await listPasskeys(user.id)).map((passkey) => passkey.name)).toEqual(["Phone"]);
    // The app is a factor now, so the passkey is no longer the last one.
    expect(await removePasskey(user.id, registered.passkey.id)).toEqual({ ok: true });
  });

  it("confirms nothing without a switch in progress", async () => {
    const user = await createEnrolledUser();
    expect(await confirmTotpReenrolment(user.id, await currentCode(user.secret))).toBe(false);
  });
});
