/** @jest-environment node */
import { createEnrolledUser, uniqueName } from "@/__tests__/kit/users";
import {
  changePassword,
  findUserByIdentifier,
  getUserById,
  registerAccount,
  replacePasswordHash,
  revokeAllSessions,
} from "@/lib/server/accounts/accounts";
import { db } from "@/lib/server/platform/db";

const account = () => {
  const username = uniqueName("acct");
  return { username, email: `${username}@example.test`, passwordHash: "$argon2id$not-a-real-hash" };
};

describe("registerAccount", () => {
  it("creates the account with no second factor yet", async () => {
    const fresh = account();
    const result = await registerAccount(fresh);
    if (!result.ok) throw new Error("expected an account");
    const row = await db.user.findUniqueOrThrow({ where: { id: result.userId } });
    expect(row).toMatchObject({ username: fresh.username, email: fresh.email, twoFactorMethod: null });
    expect(await db.totpFactor.count({ where: { userId: result.userId } })).toBe(0);
  });

  it("says which name is taken, and creates nothing", async () => {
    const first = account();
    await registerAccount(first);
    const before = await db.user.count();
    expect(await registerAccount({ ...account(), username: first.username })).toEqual({
      ok: false,
      taken: "username",
    });
    expect(await registerAccount({ ...account(), email: first.email })).toEqual({
      ok: false,
      taken: "email",
    });
    expect(await db.user.count()).toBe(before);
  });
});

describe("findUserByIdentifier", () => {
  it("finds an account by its username or by its email", async () => {
    const user = await createEnrolledUser();
    expect((await findUserByIdentifier(user.username))?.id).toBe(user.id);
    expect((await findUserByIdentifier(user.email))?.id).toBe(user.id);
    expect(await findUserByIdentifier(`nobody-${user.username}`)).toBeNull();
    // The whole row, as Prisma reads it (on SQLite the hot path reads it).
    expect(await findUserByIdentifier(user.email)).toEqual(
      await db.user.findUnique({ where: { id: user.id } }),
    );
    expect(await findUserByIdentifier(`nobody-${user.email}`)).toBeNull();
  });

  it("does not take a username as an email or the other way round", async () => {
    const user = await createEnrolledUser();
    expect(await findUserByIdentifier(user.email.replace("@", ""))).toBeNull();
  });
});

describe("getUserById and replacePasswordHash", () => {
  it("replace only the password hash, keeping the sessions", async () => {
    const user = await createEnrolledUser();
    const before = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    await replacePasswordHash(user.id, "$argon2id$replaced");
    const after = await getUserById(user.id);
    expect(after?.passwordHash).toBe("$argon2id$replaced");
    expect(after?.sessionVersion).toBe(before.sessionVersion);
    expect(await getUserById("no-such-user")).toBeNull();
  });
});

describe("revokeAllSessions", () => {
  it("moves the session version on by one each time", async () => {
    const user = await createEnrolledUser();
    const { sessionVersion } = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    await revokeAllSessions(user.id);
    await revokeAllSessions(user.id);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).sessionVersion).toBe(
      sessionVersion + 2,
    );
  });
});

describe("changePassword", () => {
  async function pendingSignIn(userId: string) {
    return db.signInChallenge.create({
      data: {
        userId,
        purpose: "signin",
        tokenHash: uniqueName("t"),
        expiresAt: new Date(Date.now() + 300_000),
      },
    });
  }

  it("sets the hash, moves the session version on and ends every pending sign-in", async () => {
    const user = await createEnrolledUser();
    const { sessionVersion } = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    const challenge = await pendingSignIn(user.id);
    expect(await changePassword(user.id, sessionVersion, "$argon2id$new")).toBe(true);
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.passwordHash).toBe("$argon2id$new");
    expect(row.sessionVersion).toBe(sessionVersion + 1);
    const ended = await db.signInChallenge.findUniqueOrThrow({ where: { id: challenge.id } });
    expect(ended.consumedAt).not.toBeNull();
    expect(ended.verifiedAt).toBeNull();
  });

  it("changes nothing from a session version another change moved on", async () => {
    const user = await createEnrolledUser();
    const before = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    const challenge = await pendingSignIn(user.id);
    await revokeAllSessions(user.id);
    expect(await changePassword(user.id, before.sessionVersion, "$argon2id$late")).toBe(false);
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.passwordHash).toBe(before.passwordHash);
    expect(row.sessionVersion).toBe(before.sessionVersion + 1);
    expect(await db.signInChallenge.findUnique({ where: { id: challenge.id } })).toMatchObject({
      consumedAt: null,
    });
  });
});
