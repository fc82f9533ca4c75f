/** @jest-environment node */
import { loginAction } from "@/app/login/actions";
import { seedAccountWithEveryRow } from "@/__tests__/kit/account-rows";
import { freshIp } from "@/__tests__/kit/names";
import { watchOutbox } from "@/__tests__/kit/outbox";
import { browser, form, runAction } from "@/__tests__/kit/request-scope";
import { createEnrolledUser } from "@/__tests__/kit/users";
import { db } from "@/lib/server/platform/db";
import { MESSAGES } from "@/lib/server/policy";
import { createChallenge } from "@/lib/server/sign-in/challenge";
import { deleteUser, resetTwoFactor, revokeUser, unlockUser } from "@/lib/server/operator/commands";
import { issueAccessToken, validateAccessToken } from "@/lib/server/tokens/access-tokens";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/request-scope").nextHeaders);

const login = (identifier: string, password: string) =>
  runAction(() => loginAction({}, form({ identifier, password })));

const verifiedUser = async () => {
  const user = await createEnrolledUser();
  await db.user.update({ where: { id: user.id }, data: { emailVerifiedAt: new Date() } });
  return user;
};

const operatorEvents = (userId: string, type: string) =>
  db.securityEvent.findMany({ where: { userId, type }, select: { detail: true } });

beforeEach(() => browser.reset(freshIp()));

describe("resetTwoFactor", () => {
  it("removes every factor, passkey, recovery code and pending sign-in, and revokes sessions and tokens", async () => {
    const seeded = await seedAccountWithEveryRow();
    const user = await db.user.findUniqueOrThrow({ where: { id: seeded.id } });
    const { token } = await issueAccessToken(user);
    const reset = await resetTwoFactor(db, user);

    expect(reset).toMatchObject({
      totpFactors: 1,
      recoveryCodes: 10,
      passkeys: 1,
      pendingChallenges: 1,
      sessions: 1,
    });
    expect(await db.userSession.count({ where: { userId: user.id, endedAt: null } })).toBe(0);
    const after = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after).toMatchObject({
      twoFactorMethod: null,
      twoFactorAt: null,
      sessionVersion: user.sessionVersion + 1,
    });
    expect(after.passwordHash).toBe(user.passwordHash);
    const where = { where: { userId: user.id } };
    expect(
      await Promise.all([
        db.totpFactor.count(where),
        db.recoveryCode.count(where),
        db.passkey.count(where),
        db.passkeyChallenge.count(where),
        db.signInChallenge.count(where),
        db.emailCode.count(where),
      ]),
    ).toEqual([0, 0, 0, 0, 0, 0]);
    expect(await validateAccessToken(token)).toEqual({ valid: false, reason: "revoked" });
    expect(await operatorEvents(user.id, "operator_reset_2fa")).toEqual([{ detail: "by an operator" }]);
  });

  it("emails the user, and their next sign-in with the password goes to /setup-2fa", async () => {
    const user = await verifiedUser();
    const outbox = watchOutbox();
    const reset = await resetTwoFactor(db, await db.user.findUniqueOrThrow({ where: { id: user.id } }));
    expect(reset.emailed).toBe(true);
    const mails = outbox();
    expect(mails.map((mail) => [mail.to, mail.subject])).toEqual([
      [user.email, "Your two-factor authentication was reset"],
    ]);
    expect(mails[0].text).toContain("http://localhost:3000/login");

    const { redirectedTo } = await login(user.username, user.password);
    expect(redirectedTo).toBe("/setup-2fa");
    const challenge = await db.signInChallenge.findFirst({ where: { userId: user.id } });
    expect(challenge?.purpose).toBe("enrol");
  });

  it("ends a sign-in that was waiting for the old factor", async () => {
    const user = await verifiedUser();
    const context = { ip: freshIp(), userAgent: "jest" };
    await createChallenge(user.id, "signin", context);
    await resetTwoFactor(db, await db.user.findUniqueOrThrow({ where: { id: user.id } }));
    expect(await db.signInChallenge.count({ where: { userId: user.id } })).toBe(0);
  });
});

describe("unlockUser", () => {
  it("clears the delays of failed passwords, so the owner's right password works again at once", async () => {
    const user = await verifiedUser();
    for (let i = 0; i < 6; i++) await login(user.username, "wrong-password-here");
    const locked = await login(user.username, user.password);
    expect(locked.result?.message).toMatch(/^Too many attempts/);

    const cleared = await unlockUser(db, await db.user.findUniqueOrThrow({ where: { id: user.id } }));
    expect(cleared).toBeGreaterThanOrEqual(2);
    const { redirectedTo } = await login(user.username, user.password);
    expect(redirectedTo).toBe("/login/verify?callbackUrl=%2Fdashboard");
    expect(await operatorEvents(user.id, "operator_unlocked")).toEqual([{ detail: "by an operator" }]);
  });

  it("clears the rows of the account and its names, and no one else's", async () => {
    const mine = await seedAccountWithEveryRow();
    const theirs = await seedAccountWithEveryRow();
    await unlockUser(db, await db.user.findUniqueOrThrow({ where: { id: mine.id } }));
    expect(await db.rateLimit.count({ where: { key: { in: mine.rateLimitKeys } } })).toBe(0);
    expect(await db.rateLimit.count({ where: { key: { in: theirs.rateLimitKeys } } })).toBe(
      theirs.rateLimitKeys.length,
    );
  });
});

describe("revokeUser", () => {
  it("revokes every access token, ends every session row and pending sign-in, keeping the factor", async () => {
    const user = await verifiedUser();
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    const { token } = await issueAccessToken(row);
    await createChallenge(user.id, "signin", { ip: freshIp(), userAgent: "jest" });
    await db.userSession.create({
      data: {
        id: `s-${user.id}`,
        userId: user.id,
        userAgent: "jest",
        ip: "203.0.113.9",
        expiresAt: new Date(Date.now() + 3_600_000),
      },
    });
    expect(await revokeUser(db, row)).toBe(1);
    expect(await db.userSession.findUniqueOrThrow({ where: { id: `s-${user.id}` } })).toMatchObject({
      endedAt: expect.any(Date),
    });
    expect(await validateAccessToken(token)).toEqual({ valid: false, reason: "revoked" });
    expect(await db.signInChallenge.count({ where: { userId: user.id, consumedAt: null } })).toBe(0);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).twoFactorMethod).toBe("totp");
    expect(await operatorEvents(user.id, "operator_signed_out")).toEqual([{ detail: "by an operator" }]);
  });
});

describe("deleteUser", () => {
  it("deletes the account, emails its address, and says so once", async () => {
    const user = await createEnrolledUser();
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    const outbox = watchOutbox();
    expect(await deleteUser(db, row)).toEqual({ emailed: true });
    expect(outbox().map((mail) => mail.to)).toEqual([row.email]);
    expect(await db.user.findUnique({ where: { id: user.id } })).toBeNull();
    expect(await deleteUser(db, row)).toBeNull();
  });
});

it("answers the wrong-password message before the lock, so the lock above is the delay's", async () => {
  const user = await verifiedUser();
  expect((await login(user.username, "wrong-password-here")).result?.message).toBe(
    MESSAGES.invalidCredentials,
  );
});
