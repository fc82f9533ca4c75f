/** @jest-environment node */
import { db } from "@/lib/server/platform/db";
import { consumeTotpStep } from "@/lib/server/factors/totp";
import { uniqueName } from "@/__tests__/kit/names";

afterAll(async () => {
  await db.$disconnect();
});

describe("the database", () => {
  it("stores a user in the test database and reads it back", async () => {
    expect(process.env.DATABASE_URL).toMatch(/^file:.*worker-\d+\.db$|\/twofactor_test_\d+$/);
    const username = uniqueName("ada");
    const created = await db.user.create({
      data: { username, email: `${username}@example.test`, passwordHash: "hash" },
    });
    const found = await db.user.findUnique({ where: { username } });
    expect(found).toMatchObject({ id: created.id, email: `${username}@example.test`, sessionVersion: 0 });
    expect(found?.twoFactorMethod).toBeNull();
  });

  it("refuses a second account with the same username or email", async () => {
    const username = uniqueName("bob");
    const email = `${username}@example.test`;
    await db.user.create({ data: { username, email, passwordHash: "hash" } });
    await expect(
      db.user.create({ data: { username, email: `other-${email}`, passwordHash: "hash" } }),
    ).rejects.toMatchObject({ code: "P2002" });
    await expect(
      db.user.create({ data: { username: `${username}x`, email, passwordHash: "hash" } }),
    ).rejects.toMatchObject({ code: "P2002" });
  });

  it("deletes a user's factors, codes and events with the user", async () => {
    const username = uniqueName("cy");
    const user = await db.user.create({
      data: {
        username,
        email: `${username}@example.test`,
        passwordHash: "hash",
        totpFactor: { create: { secretCiphertext: "ciphertext" } },
        recoveryCodes: { create: [{ codeHash: "h1" }, { codeHash: "h2" }] },
        events: { create: { type: "registered" } },
      },
    });
    await db.user.delete({ where: { id: user.id } });
    expect(await db.totpFactor.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.recoveryCode.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.securityEvent.count({ where: { userId: user.id } })).toBe(0);
  });

  it("updates a row conditionally, so that a one-time step is taken once", async () => {
    const username = uniqueName("di");
    const user = await db.user.create({
      data: {
        username,
        email: `${username}@example.test`,
        passwordHash: "hash",
        totpFactor: { create: { secretCiphertext: "ciphertext", lastUsedStep: 10 } },
      },
    });
    const take = (step: number) => consumeTotpStep(user.id, step);
    const results = await Promise.all([take(11), take(11), take(11)]);
    expect(results.filter((taken) => taken)).toHaveLength(1);
    expect(await take(10)).toBe(false);
    expect(await db.totpFactor.findUnique({ where: { userId: user.id } })).toMatchObject({
      lastUsedStep: 11,
    });
  });
});
