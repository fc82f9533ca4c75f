/** @jest-environment node */
import { createHash } from "node:crypto";
import { db } from "@/lib/server/platform/db";
import { RECOVERY_CODE_COUNT } from "@/lib/server/policy";
import {
  consumeRecoveryCode,
  countRecoveryCodesLeft,
  generateRecoveryCodes,
  hashRecoveryCode,
  normalizeRecoveryCode,
  replaceRecoveryCodes,
} from "@/lib/server/factors/recovery-codes";
import { uniqueName } from "@/__tests__/kit/names";

afterAll(async () => {
  await db.$disconnect();
});

async function createUser(): Promise<string> {
  const username = uniqueName("rc");
  const user = await db.user.create({
    data: { username, email: `${username}@example.test`, passwordHash: "x" },
  });
  return user.id;
}

describe("generateRecoveryCodes", () => {
  it("makes ten distinct codes of 80 bits in groups of four base32 characters", () => {
    const codes = generateRecoveryCodes();
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(RECOVERY_CODE_COUNT).toBe(10);
    for (const code of codes) {
      expect(code).toMatch(/^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$/);
      // 16 characters of 5 bits each.
      expect(normalizeRecoveryCode(code)).toHaveLength(16);
    }
    expect(new Set([...codes, ...generateRecoveryCodes()]).size).toBe(2 * RECOVERY_CODE_COUNT);
  });

  it("normalises case, spaces and hyphens", () => {
    expect(normalizeRecoveryCode(" abcd-EFGH ijkl-mn op ")).toBe("ABCDEFGHIJKLMNOP");
    expect(hashRecoveryCode("abcd efgh-ijkl-mnop")).toBe(hashRecoveryCode("ABCD-EFGH-IJKL-MNOP"));
  });

  it("hashes with a key, not a bare digest", () => {
    const hash = hashRecoveryCode("ABCD-EFGH-IJKL-MNOP");
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toBe(createHash("sha256").update("ABCDEFGHIJKLMNOP").digest("hex"));
  });
});

describe("stored recovery codes", () => {
  it("stores only hashes", async () => {
    const userId = await createUser();
    const codes = await replaceRecoveryCodes(userId);
    const rows = await db.recoveryCode.findMany({ where: { userId } });
    expect(rows).toHaveLength(RECOVERY_CODE_COUNT);
    const stored = JSON.stringify(rows);
    for (const code of codes) {
      expect(stored).not.toContain(code);
      expect(stored).not.toContain(normalizeRecoveryCode(code));
      expect(rows.some((row) => row.codeHash === hashRecoveryCode(code))).toBe(true);
    }
  });

  it("accepts each code once and counts down what is left", async () => {
    const userId = await createUser();
    const codes = await replaceRecoveryCodes(userId);
    expect(await countRecoveryCodesLeft(userId)).toBe(10);
    expect(await consumeRecoveryCode(userId, codes[0])).toEqual({ remaining: 9 });
    expect(await consumeRecoveryCode(userId, codes[0])).toBeNull();
    expect(await consumeRecoveryCode(userId, codes[1])).toEqual({ remaining: 8 });
    expect(await countRecoveryCodesLeft(userId)).toBe(8);
  });

  it("accepts a code typed in lower case without hyphens", async () => {
    const userId = await createUser();
    const [code] = await replaceRecoveryCodes(userId);
    expect(await consumeRecoveryCode(userId, ` ${code.replace(/-/g, "").toLowerCase()} `)).toEqual({
      remaining: 9,
    });
  });

  it("refuses wrong codes, garbage and another user's code", async () => {
    const userId = await createUser();
    const otherId = await createUser();
    const [otherCode] = await replaceRecoveryCodes(otherId);
    await replaceRecoveryCodes(userId);
    for (const bad of ["", "AAAA-AAAA-AAAA-AAAA", "not a code", "ABCD-EFGH-IJKL-MNO1", otherCode]) {
      expect(await consumeRecoveryCode(userId, bad)).toBeNull();
    }
    expect(await countRecoveryCodesLeft(userId)).toBe(10);
  });

  it("voids the old codes when regenerated", async () => {
    const userId = await createUser();
    const oldCodes = await replaceRecoveryCodes(userId);
    const newCodes = await replaceRecoveryCodes(userId);
    expect(await db.recoveryCode.count({ where: { userId } })).toBe(RECOVERY_CODE_COUNT);
    expect(await consumeRecoveryCode(userId, oldCodes[0])).toBeNull();
    expect(await consumeRecoveryCode(userId, newCodes[0])).toEqual({ remaining: 9 });
  });

  it("replaces codes inside a caller's transaction", async () => {
    const userId = await createUser();
    await replaceRecoveryCodes(userId);
    const codes = await db.$transaction((tx) => replaceRecoveryCodes(userId, tx));
    expect(await consumeRecoveryCode(userId, codes[9])).toEqual({ remaining: 9 });
  });

  it("lets exactly one of 20 concurrent uses of a code succeed", async () => {
    const userId = await createUser();
    const [code] = await replaceRecoveryCodes(userId);
    const results = await Promise.all(Array.from({ length: 20 }, () => consumeRecoveryCode(userId, code)));
    expect(results.filter((result) => result !== null)).toEqual([{ remaining: 9 }]);
    expect(await countRecoveryCodesLeft(userId)).toBe(9);
  });
});
