import path from "node:path";
import { db } from "@/lib/server/platform/db";
import { verifyPassword } from "@/lib/server/accounts/password";
import { decryptSecret } from "@/lib/server/platform/encryption";
import { uniqueName } from "@/__tests__/kit/names";
import {
  argon2PasswordHash,
  BENCH_PASSWORD,
  countUsers,
  seedTotpFactor,
  seedUsers,
  sqliteDatabase,
  username,
} from "@/bench/seed.mjs";

// The bench's seeder writes rows straight into the database, bypassing the
// app: these tests read them back through the app's own Prisma client,
// password check and decryption, so a format the app cannot read fails here
// rather than as a bench full of refused sign-ins.
const database = sqliteDatabase(path.resolve((process.env.DATABASE_URL ?? "").replace(/^file:/, "")));

describe("bench seeding (SQLite)", () => {
  it("makes every user of the range once, across batches and a partial last one", async () => {
    const prefix = uniqueName("seed");
    const before = await countUsers(database);
    await seedUsers(database, { prefix, from: 3, to: 20, passwordHash: "x", batch: 7 });
    expect((await countUsers(database)) - before).toBe(17);
    const rows = await db.user.findMany({ where: { username: { startsWith: `${prefix}-` } } });
    expect(rows.map((row) => row.username).sort()).toEqual(
      Array.from({ length: 17 }, (_, i) => username(prefix, i + 3)),
    );
    expect(new Set(rows.map((row) => row.email)).size).toBe(17);
  });

  it("writes users the app reads: 2FA on, valid dates, the shared hash accepting the bench password", async () => {
    const prefix = uniqueName("seed");
    const passwordHash = await argon2PasswordHash();
    await seedUsers(database, { prefix, from: 0, to: 2, passwordHash });
    const user = await db.user.findUniqueOrThrow({ where: { username: username(prefix, 1) } });
    expect(user).toMatchObject({
      id: `bench_${username(prefix, 1)}`,
      twoFactorMethod: "totp",
      sessionVersion: 0,
    });
    expect(user.email).toBe(`${username(prefix, 1)}@bench.test`);
    expect(Math.abs(Date.now() - (user.twoFactorAt?.getTime() ?? 0))).toBeLessThan(60_000);
    expect(Number.isNaN(user.createdAt.getTime())).toBe(false);
    await expect(verifyPassword(user.passwordHash, BENCH_PASSWORD)).resolves.toBe(true);
  });

  it("gives a seeded user an authenticator whose secret the app decrypts", async () => {
    const prefix = uniqueName("seed");
    await seedUsers(database, { prefix, from: 0, to: 1, passwordHash: "x" });
    const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    await seedTotpFactor(database, {
      prefix,
      index: 0,
      secret,
      encryptionKey: process.env.TOTP_ENCRYPTION_KEY,
    });
    const factor = await db.totpFactor.findFirstOrThrow({
      where: { userId: `bench_${username(prefix, 0)}` },
    });
    expect(decryptSecret(factor.secretCiphertext)).toBe(secret);
    expect(factor.confirmedAt).toBeInstanceOf(Date);
  });
});
