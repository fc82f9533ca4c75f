/** @jest-environment node */
import { browser } from "@/__tests__/kit/browsers";
import { freshIp, uniqueName } from "@/__tests__/kit/names";
import { currentCode } from "@/__tests__/kit/users";
import { registerAccount } from "@/lib/server/accounts/accounts";
import { SoftwareAuthenticator } from "@/__tests__/kit/software-authenticator";
import {
  confirmTotpEnrolment,
  enableEmailSecondFactor,
  enrolPasskey,
  getEnrolmentSecret,
  getSetupInProgress,
  getShownRecoveryCodes,
} from "@/lib/server/factors/enrolment";
import { startPasskeyRegistration } from "@/lib/server/factors/passkeys";
import { consumeRecoveryCode } from "@/lib/server/factors/recovery-codes";
import { generateTotpSecret } from "@/lib/server/factors/totp";
import { db } from "@/lib/server/platform/db";
import { decryptSecret, encryptSecret } from "@/lib/server/platform/encryption";
import { createChallenge, getPendingChallenge } from "@/lib/server/sign-in/challenge";

import { markEmailVerified } from "@/__tests__/kit/account-codes";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);

async function newAccount(): Promise<{ userId: string; username: string }> {
  const username = uniqueName("enrol");
  const result = await registerAccount({ username, email: `${username}@example.test`, passwordHash: "x" });
  if (!result.ok) throw new Error("expected an account");
  return { userId: result.userId, username };
}

async function enrolment(userId: string, secret = generateTotpSecret(), expiresInMs = 30 * 60_000) {
  const row = await db.signInChallenge.create({
    data: {
      userId,
      purpose: "enrol",
      tokenHash: uniqueName("token"),
      expiresAt: new Date(Date.now() + expiresInMs),
      enrolSecret: encryptSecret(secret),
    },
  });
  return { id: row.id, secret };
}

describe("getEnrolmentSecret", () => {
  it("gives back the secret this enrolment holds, decrypted, and null for none", async () => {
    const { userId } = await newAccount();
    const challenge = await enrolment(userId);
    expect(await getEnrolmentSecret(challenge.id)).toBe(challenge.secret);
    const stored = await db.signInChallenge.findUniqueOrThrow({ where: { id: challenge.id } });
    expect(stored.enrolSecret).not.toContain(challenge.secret);
    expect(await getEnrolmentSecret("no-such-challenge")).toBeNull();
  });
});

describe("confirmTotpEnrolment", () => {
  it("turns 2FA on with the right code: the factor, ten recovery codes shown until Continue, other enrolments ended", async () => {
    const { userId } = await newAccount();
    const other = await enrolment(userId);
    const challenge = await enrolment(userId);
    expect(await confirmTotpEnrolment(challenge.id, userId, await currentCode(challenge.secret))).toBe(true);

    const user = await db.user.findUniqueOrThrow({ where: { id: userId }, include: { totpFactor: true } });
    expect(user.twoFactorMethod).toBe("totp");
    expect(user.totpFactor?.confirmedAt).not.toBeNull();
    expect(user.totpFactor?.lastUsedStep).not.toBeNull();

    const shown = await getShownRecoveryCodes(challenge.id);
    expect(shown).toHaveLength(10);
    expect(await consumeRecoveryCode(userId, shown![0])).toEqual({ remaining: 9 });

    const row = await db.signInChallenge.findUniqueOrThrow({ where: { id: challenge.id } });
    expect(row.verifiedAt).not.toBeNull();
    expect(row.enrolSecret).toBeNull();
    const ended = await db.signInChallenge.findUniqueOrThrow({ where: { id: other.id } });
    expect(ended.consumedAt).not.toBeNull();
    expect(ended.enrolSecret).toBeNull();
  });

  it("refuses a wrong code, changing nothing", async () => {
    const { userId } = await newAccount();
    const challenge = await enrolment(userId);
    const right = await currentCode(challenge.secret);
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, "0");
    expect(await confirmTotpEnrolment(challenge.id, userId, wrong)).toBe(false);
    expect((await db.user.findUniqueOrThrow({ where: { id: userId } })).twoFactorMethod).toBeNull();
    expect(await db.totpFactor.count({ where: { userId } })).toBe(0);
    expect(await getShownRecoveryCodes(challenge.id)).toBeNull();
  });

  it("rolls everything back when the enrolment has expired, even with the right code", async () => {
    const { userId } = await newAccount();
    const challenge = await enrolment(userId, generateTotpSecret(), -1000);
    expect(await confirmTotpEnrolment(challenge.id, userId, await currentCode(challenge.secret))).toBe(false);
    expect((await db.user.findUniqueOrThrow({ where: { id: userId } })).twoFactorMethod).toBeNull();
    expect(await db.totpFactor.count({ where: { userId } })).toBe(0);
    expect(await db.recoveryCode.count({ where: { userId } })).toBe(0);
  });

  it("lets only one of two browsers' enrolments finish", async () => {
    const { userId } = await newAccount();
    const first = await enrolment(userId);
    const second = await enrolment(userId);
    expect(await confirmTotpEnrolment(first.id, userId, await currentCode(first.secret))).toBe(true);
    expect(await confirmTotpEnrolment(second.id, userId, await currentCode(second.secret))).toBe(false);
    const factor = await db.totpFactor.findUniqueOrThrow({ where: { userId } });
    expect(decryptSecret(factor.secretCiphertext)).toBe(first.secret);
    expect(await db.recoveryCode.count({ where: { userId } })).toBe(10);
  });
});

describe("enableEmailSecondFactor", () => {
  it("makes emailed codes the factor once, with recovery codes, and refuses a second time", async () => {
    const { userId } = await newAccount();
    const challenge = await enrolment(userId);
    expect(await enableEmailSecondFactor(challenge.id, userId)).toBe(true);
    expect((await db.user.findUniqueOrThrow({ where: { id: userId } })).twoFactorMethod).toBe("email");
    expect(await getShownRecoveryCodes(challenge.id)).toHaveLength(10);
    const again = await enrolment(userId);
    expect(await enableEmailSecondFactor(again.id, userId)).toBe(false);
  });
});

describe("getSetupInProgress", () => {
  it("names the account this browser is enrolling, and nothing for a browser without one", async () => {
    const { userId, username } = await newAccount();
    await markEmailVerified(username);
    browser.reset(freshIp());
    expect(await getSetupInProgress()).toBeNull();
    await createChallenge(userId, "enrol", { ip: browser.ip, userAgent: "jest" });
    expect(await getSetupInProgress()).toEqual({ username, verified: false });
    const challenge = await getPendingChallenge("enrol");
    expect(challenge?.userId).toBe(userId);
    browser.reset(freshIp());
    expect(await getSetupInProgress()).toBeNull();
  });

  it("names no setup while the account still proves its address", async () => {
    const { userId } = await newAccount();
    browser.reset(freshIp());
    await createChallenge(userId, "enrol", { ip: browser.ip, userAgent: "jest" });
    expect(await getSetupInProgress()).toBeNull();
  });
});

describe("enrolPasskey", () => {
  // The browser's answer to a registration begun for `challengeId`.
  async function answer(account: { userId: string; username: string }, challengeId: string) {
    const user = { id: account.userId, username: account.username };
    const options = await startPasskeyRegistration(user, { signInChallengeId: challengeId });
    return { user, response: new SoftwareAuthenticator().register(options) };
  }

  it("makes the passkey the factor: stored, ten recovery codes shown until Continue, other enrolments ended", async () => {
    const account = await newAccount();
    const other = await enrolment(account.userId);
    const challenge = await enrolment(account.userId);
    const { user, response } = await answer(account, challenge.id);
    const result = await enrolPasskey(challenge.id, user, response, "Laptop");
    expect(result).toEqual({ ok: true, passkey: expect.objectContaining({ name: "Laptop" }) });

    const stored = await db.user.findUniqueOrThrow({
      where: { id: account.userId },
      include: { passkeys: true },
    });
    expect(stored.twoFactorMethod).toBe("passkey");
    expect(stored.passkeys.map((passkey) => passkey.credentialId)).toEqual([response.id]);
    expect(await getShownRecoveryCodes(challenge.id)).toHaveLength(10);
    expect(await db.recoveryCode.count({ where: { userId: account.userId, usedAt: null } })).toBe(10);
    expect(await db.signInChallenge.findUniqueOrThrow({ where: { id: challenge.id } })).toMatchObject({
      verifiedAt: expect.any(Date),
      enrolSecret: null,
    });
    expect(
      (await db.signInChallenge.findUniqueOrThrow({ where: { id: other.id } })).consumedAt,
    ).not.toBeNull();
  });

  it("refuses a registration begun for another enrolment, storing nothing", async () => {
    const account = await newAccount();
    const first = await enrolment(account.userId);
    const second = await enrolment(account.userId);
    const { user, response } = await answer(account, first.id);
    expect(await enrolPasskey(second.id, user, response, "Laptop")).toEqual({
      ok: false,
      reason: "challenge",
    });
    expect(await db.passkey.count({ where: { userId: account.userId } })).toBe(0);
    expect((await db.user.findUniqueOrThrow({ where: { id: account.userId } })).twoFactorMethod).toBeNull();
  });

  it("leaves no passkey behind when the account got a factor meanwhile, which it keeps", async () => {
    const account = await newAccount();
    const challenge = await enrolment(account.userId);
    const { user, response } = await answer(account, challenge.id);
    await db.user.update({ where: { id: account.userId }, data: { twoFactorMethod: "email" } });
    expect(await enrolPasskey(challenge.id, user, response, "Laptop")).toEqual({
      ok: false,
      reason: "enrolment ended",
    });
    expect(await db.passkey.count({ where: { userId: account.userId } })).toBe(0);
    expect((await db.user.findUniqueOrThrow({ where: { id: account.userId } })).twoFactorMethod).toBe(
      "email",
    );
    expect(await db.recoveryCode.count({ where: { userId: account.userId } })).toBe(0);
    expect(await getShownRecoveryCodes(challenge.id)).toBeNull();
  });

  it("leaves no passkey behind when the enrolment ended after its ceremony began", async () => {
    const account = await newAccount();
    const challenge = await enrolment(account.userId);
    const { user, response } = await answer(account, challenge.id);
    await db.signInChallenge.update({ where: { id: challenge.id }, data: { consumedAt: new Date() } });
    expect(await enrolPasskey(challenge.id, user, response, "Laptop")).toEqual({
      ok: false,
      reason: "enrolment ended",
    });
    expect(await db.passkey.count({ where: { userId: account.userId } })).toBe(0);
    expect((await db.user.findUniqueOrThrow({ where: { id: account.userId } })).twoFactorMethod).toBeNull();
  });
});
