import "server-only";
import { createHmac, hkdfSync } from "node:crypto";
import { env } from "./env";

const keys = new Map<string, Buffer>();

// HMAC-SHA256 under a key derived per purpose from TOTP_ENCRYPTION_KEY (HKDF,
// RFC 5869): a stolen database alone cannot be checked offline, and one
// purpose's hashes say nothing about another's.
export function keyedHash(purpose: string, value: string): string {
  let key = keys.get(purpose);
  if (!key) {
    key = Buffer.from(
      hkdfSync("sha256", Buffer.from(env.TOTP_ENCRYPTION_KEY, "base64"), Buffer.alloc(0), purpose, 32),
    );
    keys.set(purpose, key);
  }
  return createHmac("sha256", key).update(value).digest("hex");
}
