/** @jest-environment node */
import { decryptSecret, encryptSecret } from "@/lib/server/platform/encryption";

const SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

function withByteFlipped(payload: string, index: number): string {
  const bytes = Buffer.from(payload.slice(3), "base64url");
  bytes[index] ^= 0x01;
  return `v1.${bytes.toString("base64url")}`;
}

describe("secret encryption", () => {
  it("decrypts what it encrypted", () => {
    const payload = encryptSecret(SECRET);
    expect(payload).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(payload).not.toContain(SECRET);
    expect(decryptSecret(payload)).toBe(SECRET);
  });

  it("uses a fresh IV, so two encryptions of one secret differ", () => {
    expect(encryptSecret(SECRET)).not.toBe(encryptSecret(SECRET));
  });

  it("refuses a payload with any byte of IV, tag or ciphertext changed", () => {
    const payload = encryptSecret(SECRET);
    const length = Buffer.from(payload.slice(3), "base64url").length;
    expect(length).toBe(12 + 16 + SECRET.length);
    for (let index = 0; index < length; index++) {
      expect(() => decryptSecret(withByteFlipped(payload, index))).toThrow("Cannot decrypt secret");
    }
  });

  it("refuses malformed payloads", () => {
    const payload = encryptSecret(SECRET);
    for (const bad of [
      "",
      "v1.",
      "v2." + payload.slice(3),
      payload.slice(3),
      payload.slice(0, 30),
      `${payload}!`,
    ]) {
      expect(() => decryptSecret(bad)).toThrow("Cannot decrypt secret");
    }
  });

  it("refuses a payload encrypted under another key", async () => {
    const payload = encryptSecret(SECRET);
    const original = process.env.TOTP_ENCRYPTION_KEY;
    process.env.TOTP_ENCRYPTION_KEY = Buffer.alloc(32, 9).toString("base64");
    try {
      await jest.isolateModulesAsync(async () => {
        const other = await import("@/lib/server/platform/encryption");
        expect(() => other.decryptSecret(payload)).toThrow("Cannot decrypt secret");
        expect(other.decryptSecret(other.encryptSecret(SECRET))).toBe(SECRET);
      });
    } finally {
      process.env.TOTP_ENCRYPTION_KEY = original;
    }
  });

  it("never puts the payload in its error message", () => {
    const tampered = withByteFlipped(encryptSecret(SECRET), 40);
    let message = "";
    try {
      decryptSecret(tampered);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe("Cannot decrypt secret");
    expect(message).not.toContain(tampered.slice(3, 20));
  });
});
