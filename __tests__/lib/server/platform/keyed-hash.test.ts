/** @jest-environment node */
import { createHmac, hkdfSync } from "node:crypto";
import { keyedHash } from "@/lib/server/platform/keyed-hash";

describe("keyedHash", () => {
  it("is a stable 64-hex-digit HMAC-SHA256 that does not contain the value", () => {
    const hash = keyedHash("recovery-code", "ABCD-EFGH-IJKL-MNOP");
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).toBe(keyedHash("recovery-code", "ABCD-EFGH-IJKL-MNOP"));
    expect(hash).not.toContain("abcd");
    expect(keyedHash("recovery-code", "ABCD-EFGH-IJKL-MNOQ")).not.toBe(hash);
  });

  it("gives each purpose its own key: the same value hashes differently", () => {
    expect(keyedHash("email-code", "123456")).not.toBe(keyedHash("recovery-code", "123456"));
  });

  it("keys the HMAC with HKDF-SHA256 of TOTP_ENCRYPTION_KEY and the purpose, not the bare key", () => {
    const master = Buffer.from(process.env.TOTP_ENCRYPTION_KEY as string, "base64");
    const derived = Buffer.from(hkdfSync("sha256", master, Buffer.alloc(0), "email-code", 32));
    expect(keyedHash("email-code", "123456")).toBe(
      createHmac("sha256", derived).update("123456").digest("hex"),
    );
    expect(keyedHash("email-code", "123456")).not.toBe(
      createHmac("sha256", master).update("123456").digest("hex"),
    );
  });
});
