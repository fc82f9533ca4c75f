/** @jest-environment node */
import { randomBytes } from "node:crypto";
import { db } from "@/lib/server/platform/db";
import { PASSKEYS } from "@/lib/server/policy";
import {
  canRemovePasskey,
  findPasskeyOwner,
  hasPasskey,
  listPasskeys,
  normalizePasskeyName,
  removePasskey,
  renamePasskey,
} from "@/lib/server/factors/passkey-store";
import { replaceRecoveryCodes } from "@/lib/server/factors/recovery-codes";
import { uniqueName } from "@/__tests__/kit/names";

afterAll(async () => {
  await db.$disconnect();
});

async function createUser(
  factor: { twoFactorMethod?: "totp" | "email" | "passkey"; totp?: boolean } = {},
): Promise<string> {
  const username = uniqueName("ps");
  const user = await db.user.create({
    data: {
      username,
      email: `${username}@example.test`,
      passwordHash: "x",
      twoFactorMethod: factor.twoFactorMethod ?? null,
      ...(factor.totp
        ? { totpFactor: { create: { secretCiphertext: "v1.x", confirmedAt: new Date() } } }
        : {}),
    },
  });
  return user.id;
}

async function addPasskey(userId: string, name: string, createdAt = new Date()): Promise<string> {
  const row = await db.passkey.create({
    data: {
      userId,
      credentialId: randomBytes(16).toString("base64url"),
      publicKey: new Uint8Array(randomBytes(77)),
      counter: 0,
      transports: "internal,hybrid",
      deviceType: "multiDevice",
      backedUp: true,
      name,
      createdAt,
    },
  });
  return row.id;
}

describe("normalizePasskeyName", () => {
  it("trims, folds whitespace and control characters, and cuts at the maximum length", () => {
    expect(normalizePasskeyName("  My\tphone\u0000 2 ")).toBe("My phone 2");
    expect(normalizePasskeyName("x".repeat(200))).toHaveLength(PASSKEYS.nameMaxLength);
    expect(normalizePasskeyName(" \n ")).toBeNull();
  });
});

describe("listPasskeys", () => {
  it("lists only the account's passkeys, oldest first, with their transports", async () => {
    const userId = await createUser({ twoFactorMethod: "email" });
    const newer = await addPasskey(userId, "Newer", new Date(Date.now() - 1_000));
    const older = await addPasskey(userId, "Older", new Date(Date.now() - 60_000));
    await addPasskey(await createUser(), "Someone else's");
    const listed = await listPasskeys(userId);
    expect(listed.map((passkey) => [passkey.id, passkey.name])).toEqual([
      [older, "Older"],
      [newer, "Newer"],
    ]);
    expect(listed[0]).toMatchObject({ transports: ["internal", "hybrid"], backedUp: true, lastUsedAt: null });
    expect(Object.keys(listed[0] ?? {})).not.toContain("publicKey");
  });

  it("loses an account's passkeys with the account", async () => {
    const userId = await createUser();
    const passkeyId = await addPasskey(userId, "Gone");
    await db.user.delete({ where: { id: userId } });
    expect(await db.passkey.count({ where: { id: passkeyId } })).toBe(0);
  });
});

describe("renamePasskey", () => {
  it("renames the account's own passkey and refuses an empty name or another's passkey", async () => {
    const userId = await createUser({ twoFactorMethod: "email" });
    const passkeyId = await addPasskey(userId, "Old");
    expect(await renamePasskey(userId, passkeyId, "  Work laptop ")).toEqual({ ok: true });
    expect(await renamePasskey(userId, passkeyId, "   ")).toEqual({ ok: false, reason: "name" });
    expect(await renamePasskey(await createUser(), passkeyId, "Mine now")).toEqual({
      ok: false,
      reason: "not found",
    });
    expect((await db.passkey.findUniqueOrThrow({ where: { id: passkeyId } })).name).toBe("Work laptop");
  });
});

describe("removePasskey", () => {
  it("refuses to remove the last factor of an account that has nothing else", async () => {
    const userId = await createUser();
    const passkeyId = await addPasskey(userId, "Only");
    expect(await removePasskey(userId, passkeyId)).toEqual({ ok: false, reason: "last factor" });
    expect(await db.passkey.count({ where: { userId } })).toBe(1);
  });

  it("removes a passkey when another passkey, an authenticator app or emailed codes remain", async () => {
    const passkeysOnly = await createUser();
    const first = await addPasskey(passkeysOnly, "One");
    await addPasskey(passkeysOnly, "Two");
    expect(await removePasskey(passkeysOnly, first)).toEqual({ ok: true });

    const withApp = await createUser({ twoFactorMethod: "totp", totp: true });
    expect(await removePasskey(withApp, await addPasskey(withApp, "Only"))).toEqual({ ok: true });
    const withEmail = await createUser({ twoFactorMethod: "email" });
    expect(await removePasskey(withEmail, await addPasskey(withEmail, "Only"))).toEqual({ ok: true });
  });

  it("refuses a passkey account's last passkey: its recovery codes and a pending app are no factor", async () => {
    const userId = await createUser({ twoFactorMethod: "passkey" });
    await replaceRecoveryCodes(userId);
    // A switch to an authenticator app that was started but never confirmed.
    await db.totpFactor.create({ data: { userId, secretCiphertext: "v1.x", pendingCiphertext: "v1.x" } });
    const first = await addPasskey(userId, "Phone");
    const second = await addPasskey(userId, "Laptop");
    expect(await removePasskey(userId, first)).toEqual({ ok: true });
    expect(await removePasskey(userId, second)).toEqual({ ok: false, reason: "last factor" });
    expect((await listPasskeys(userId)).map((passkey) => passkey.id)).toEqual([second]);
  });

  it("refuses another account's passkey", async () => {
    const owner = await createUser({ twoFactorMethod: "email" });
    const passkeyId = await addPasskey(owner, "Mine");
    expect(await removePasskey(await createUser({ twoFactorMethod: "email" }), passkeyId)).toEqual({
      ok: false,
      reason: "not found",
    });
    expect(await db.passkey.count({ where: { id: passkeyId } })).toBe(1);
  });

  it("keeps one of two last passkeys removed at the same moment", async () => {
    // Several accounts at once, so that a missing lock shows on PostgreSQL.
    const accounts = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const userId = await createUser();
        return { userId, ids: [await addPasskey(userId, "One"), await addPasskey(userId, "Two")] };
      }),
    );
    const results = await Promise.all(
      accounts.flatMap(({ userId, ids }) => ids.map((id) => removePasskey(userId, id))),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(accounts.length);
    for (const { userId } of accounts) expect(await db.passkey.count({ where: { userId } })).toBe(1);
  });
});

describe("canRemovePasskey", () => {
  it("says what removePasskey would answer, and removes nothing", async () => {
    const alone = await createUser();
    const only = await addPasskey(alone, "Only");
    expect(await canRemovePasskey(alone, only)).toEqual({ ok: false, reason: "last factor" });
    const withApp = await createUser({ twoFactorMethod: "totp", totp: true });
    const spare = await addPasskey(withApp, "Spare");
    expect(await canRemovePasskey(withApp, spare)).toEqual({ ok: true });
    expect(await canRemovePasskey(withApp, only)).toEqual({ ok: false, reason: "not found" });
    expect(await db.passkey.count({ where: { id: { in: [only, spare] } } })).toBe(2);
  });
});

describe("findPasskeyOwner and hasPasskey", () => {
  it("name the account a credential belongs to, and whether an account holds one", async () => {
    const owner = await createUser({ twoFactorMethod: "email" });
    const bare = await createUser({ twoFactorMethod: "email" });
    const credentialId = randomBytes(16).toString("base64url");
    await db.passkey.create({
      data: {
        userId: owner,
        credentialId,
        publicKey: Buffer.from("key"),
        counter: 0,
        deviceType: "singleDevice",
        backedUp: false,
        name: "Laptop",
      },
    });
    expect(await findPasskeyOwner(credentialId)).toBe(owner);
    expect(await findPasskeyOwner(randomBytes(16).toString("base64url"))).toBeNull();
    expect(await hasPasskey(owner)).toBe(true);
    expect(await hasPasskey(bare)).toBe(false);
  });
});
