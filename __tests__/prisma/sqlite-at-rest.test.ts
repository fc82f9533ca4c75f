/** @jest-environment node */
import fs from "node:fs";
import { db } from "@/lib/server/platform/db";
import { replaceRecoveryCodes } from "@/lib/server/factors/recovery-codes";
import { issueVerificationCode } from "@/lib/server/accounts/email-verification";
import { issueResetLink } from "@/lib/server/accounts/password-reset";
import { freshIp } from "@/__tests__/kit/names";

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

  it("holds no verification code or reset link token in plaintext", async () => {
    const username = `ac${Date.now().toString(36)}`;
    const user = await db.user.create({
      data: { username, email: `${username}@example.test`, passwordHash: "x", emailVerifiedAt: new Date() },
    });
    const code = await issueVerificationCode(user.id, user.email, "change_email", freshIp());
    const reset = await issueResetLink(user.id, freshIp());
    if (!code.ok || !reset.ok) throw new Error("expected a code and a link");
    await db.$disconnect();
    (globalThis as { prisma?: unknown }).prisma = undefined;
    const file = (process.env.DATABASE_URL as string).replace(/^file:/, "");
    const bytes = [file, `${file}-wal`]
      .filter((candidate) => fs.existsSync(candidate))
      .map((candidate) => fs.readFileSync(candidate).toString("latin1"))
      .join("");
    expect(bytes).toContain(user.id);
    expect(bytes).not.toContain(code.code);
    expect(bytes).not.toContain(reset.token);
    expect(bytes).not.toContain(Buffer.from(reset.token, "base64url").toString("hex"));
  });
});
