/** @jest-environment node */
import fs from "node:fs";
import { db } from "@/lib/server/platform/db";
import { replaceRecoveryCodes } from "@/lib/server/factors/recovery-codes";

// What an attacker holding the SQLite file (and its write-ahead log) sees.
describe("the SQLite file at rest", () => {
  it("holds no recovery code in plaintext", async () => {
    const username = `rc${Date.now().toString(36)}`;
    const user = await db.user.create({
      data: { username, email: `${username}@example.test`, passwordHash: "x" },
    });
    const codes = await replaceRecoveryCodes(user.id);
    await db.$disconnect();
    (globalThis as { prisma?: unknown }).prisma = undefined;
    const file = (process.env.DATABASE_URL as string).replace(/^file:/, "");
    const bytes = [file, `${file}-wal`]
      .filter((candidate) => fs.existsSync(candidate))
      .map((candidate) => fs.readFileSync(candidate).toString("latin1"))
      .join("");
    expect(bytes).toContain(user.id);
    for (const code of codes) {
      expect(bytes).not.toContain(code);
      expect(bytes).not.toContain(code.replace(/-/g, ""));
    }
  });
});
