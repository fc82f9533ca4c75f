/** @jest-environment node */
import { performance } from "node:perf_hooks";
import bcrypt from "bcryptjs";
import {
  hashPassword,
  passwordChecksBusy,
  passwordNeedsRehash,
  verifyPassword,
  verifyPasswordForUnknownUser,
} from "@/lib/server/accounts/password";

describe("hashPassword", () => {
  it("makes an argon2id hash that stores OWASP's parameters", async () => {
    const hash = await hashPassword("correct horse battery staple");
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
  });

  it("salts every hash", async () => {
    expect(await hashPassword("same password")).not.toBe(await hashPassword("same password"));
  });

  it("keeps the event loop responsive while four hashes run at once", async () => {
    await hashPassword("warm-up");
    let last = performance.now();
    let largestGap = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      largestGap = Math.max(largestGap, now - last);
      last = now;
    }, 5);
    const before = performance.eventLoopUtilization();
    const start = performance.now();
    for (let round = 0; round < 2; round++) {
      await Promise.all([1, 2, 3, 4].map((n) => hashPassword(`password number ${round}-${n}`)));
    }
    const { utilization } = performance.eventLoopUtilization(before);
    const end = performance.now();
    clearInterval(timer);
    largestGap = Math.max(largestGap, end - last);
    const elapsed = end - start;
    // Relative bounds, because other test runs may share the 2 cores: on the thread pool
    // the loop is ~6% busy and its gaps are scheduler noise; a hash on the main thread
    // stalls the timer for the whole run (gap = elapsed) and keeps the loop ~100% busy.
    expect(largestGap).toBeLessThan(elapsed / 2);
    expect(utilization).toBeLessThan(0.5);
  });
});

describe("verifyPassword", () => {
  it("accepts the right password and refuses a wrong one", async () => {
    const hash = await hashPassword("correct horse battery staple");
    await expect(verifyPassword(hash, "correct horse battery staple")).resolves.toBe(true);
    await expect(verifyPassword(hash, "Correct horse battery staple")).resolves.toBe(false);
    await expect(verifyPassword(hash, "")).resolves.toBe(false);
  });

  it("verifies a bcrypt hash of an imported account", async () => {
    const hash = bcrypt.hashSync("imported secret", 4);
    await expect(verifyPassword(hash, "imported secret")).resolves.toBe(true);
    await expect(verifyPassword(hash, "imported secreT")).resolves.toBe(false);
    await expect(verifyPassword(hash.replace(/^\$2b\$/, "$2y$"), "imported secret")).resolves.toBe(true);
  });

  it.each([
    ["an empty string", ""],
    ["plain text", "not a hash"],
    ["a truncated argon2 hash", "$argon2id$v=19$m=19456,t=2,p=1$abc"],
    ["a garbled argon2 hash", "$argon2id$v=19$m=x,t=2,p=1$!!!$!!!"],
    ["a truncated bcrypt hash", "$2b$04$abc"],
    ["an unknown bcrypt revision", `$2x$04$${"a".repeat(53)}`],
    ["a scrypt hash", "$scrypt$ln=17,r=8,p=1$c2FsdA$aGFzaA"],
  ])("returns false for %s instead of throwing", async (_name, hash) => {
    await expect(verifyPassword(hash, "anything")).resolves.toBe(false);
  });
});

describe("passwordNeedsRehash", () => {
  it("keeps a fresh argon2id hash", async () => {
    expect(passwordNeedsRehash(await hashPassword("a password"))).toBe(false);
  });

  it("rehashes bcrypt hashes and anything it cannot parse", () => {
    expect(passwordNeedsRehash(bcrypt.hashSync("imported secret", 4))).toBe(true);
    expect(passwordNeedsRehash("not a hash")).toBe(true);
  });

  it.each([
    ["lower memory", "$argon2id$v=19$m=4096,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaA"],
    ["fewer passes", "$argon2id$v=19$m=19456,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaA"],
    ["the argon2i variant", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaA"],
    ["the argon2d variant", "$argon2d$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaA"],
    ["version 16", "$argon2id$v=16$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaA"],
  ])("rehashes an argon2 hash with %s", (_name, hash) => {
    expect(passwordNeedsRehash(hash)).toBe(true);
  });

  it("keeps a hash made with stronger settings", () => {
    expect(passwordNeedsRehash("$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$aGFzaA")).toBe(false);
  });
});

describe("verifyPasswordForUnknownUser", () => {
  it("always resolves false", async () => {
    await expect(verifyPasswordForUnknownUser("any password")).resolves.toBe(false);
    await expect(verifyPasswordForUnknownUser("")).resolves.toBe(false);
  });

  it("does the work of a real argon2id verification", async () => {
    const hash = await hashPassword("known user");
    await verifyPasswordForUnknownUser("warm-up");
    const time = async (check: () => Promise<boolean>): Promise<number> => {
      const start = performance.now();
      for (let i = 0; i < 5; i++) await check();
      return performance.now() - start;
    };
    const known = await time(() => verifyPassword(hash, "wrong"));
    const unknown = await time(() => verifyPasswordForUnknownUser("wrong"));
    // Loose bounds: timing on a shared machine is noisy, but a skipped hash is 10x faster.
    expect(unknown).toBeGreaterThan(known / 4);
    expect(unknown).toBeLessThan(known * 4);
  });
});

describe("admission of password checks", () => {
  it("answers a burst of verifications in turn without calling itself busy", async () => {
    const hash = await hashPassword("correct horse battery staple");
    const burst = Array.from({ length: 12 }, () => verifyPassword(hash, "correct horse battery staple"));
    expect(passwordChecksBusy()).toBe(false);
    await expect(Promise.all(burst)).resolves.toEqual(Array(12).fill(true));
  });
});
