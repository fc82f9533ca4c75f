import "server-only";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { env } from "./env";

const VERSION = "v1.";
const IV_BYTES = 12;
const TAG_BYTES = 16;

function key(): Buffer {
  return Buffer.from(env.TOTP_ENCRYPTION_KEY, "base64");
}

// AES-256-GCM; the stored form is "v1." + base64url(iv | tag | ciphertext).
export function encryptSecret(plaintext: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return VERSION + Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64url");
}

// One message for every failure, and never the payload: it is a secret at rest.
export function decryptSecret(payload: string): string {
  try {
    if (!payload.startsWith(VERSION)) throw new Error();
    const body = payload.slice(VERSION.length);
    const bytes = Buffer.from(body, "base64url");
    // Node's decoder skips stray characters: accept only the canonical encoding.
    if (bytes.length < IV_BYTES + TAG_BYTES || bytes.toString("base64url") !== body) throw new Error();
    const decipher = createDecipheriv("aes-256-gcm", key(), bytes.subarray(0, IV_BYTES), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const plaintext = Buffer.concat([
      decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)),
      decipher.final(),
    ]);
    return plaintext.toString("utf8");
  } catch {
    throw new Error("Cannot decrypt secret");
  }
}
