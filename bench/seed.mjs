// Seeds bench users straight into the SQLite file, in the formats the app
// reads (lib/server/accounts/password.ts, lib/server/platform/encryption.ts, Prisma's ISO dates).
import { createCipheriv, randomBytes } from "node:crypto";
import { hash as argon2Hash } from "@node-rs/argon2";
import bcrypt from "bcryptjs";
import Database from "better-sqlite3";

// lib/server/accounts/password.ts: argon2id (algorithm 2), OWASP's m=19 MiB, t=2, p=1.
export const ARGON2_OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 };
export const BENCH_PASSWORD = "bench correct horse battery";

// Every user shares one hash: verifying is the per-sign-in cost under test,
// and hashing 100,000 passwords would take longer than the whole bench.
export const argon2PasswordHash = () => argon2Hash(BENCH_PASSWORD, ARGON2_OPTIONS);
export const bcryptPasswordHash = () => bcrypt.hash(BENCH_PASSWORD, 12);

// The adapter's default timestamp format (@prisma/adapter-better-sqlite3).
const sqlDate = (date = new Date()) => date.toISOString().replace("Z", "+00:00");

export const username = (prefix, index) => `${prefix}-${String(index).padStart(6, "0")}`;

function withDatabase(file, work) {
  const db = new Database(file, { timeout: 10_000 });
  try {
    return work(db);
  } finally {
    db.close();
  }
}

// Users [from, to) with 2FA on, so that a right password leads to /login/verify.
export function seedUsers(file, { prefix, from, to, passwordHash }) {
  withDatabase(file, (db) => {
    const insert = db.prepare(
      `INSERT INTO "User" (id, username, email, passwordHash, twoFactorMethod, twoFactorAt,
         sessionVersion, createdAt, updatedAt)
       VALUES (?, ?, ?, ?, 'totp', ?, 0, ?, ?)`,
    );
    const now = sqlDate();
    db.transaction(() => {
      for (let index = from; index < to; index++) {
        const name = username(prefix, index);
        insert.run(`bench_${name}`, name, `${name}@bench.test`, passwordHash, now, now, now);
      }
    })();
  });
}

// lib/server/platform/encryption.ts: "v1." + base64url(iv | tag | AES-256-GCM ciphertext).
function encryptSecret(plaintext, keyBase64) {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", Buffer.from(keyBase64, "base64"), iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return `v1.${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64url")}`;
}

// A confirmed authenticator for one seeded user, so the bench can finish a sign-in.
export function seedTotpFactor(file, { prefix, index, secret, encryptionKey }) {
  withDatabase(file, (db) => {
    const now = sqlDate();
    db.prepare(
      `INSERT INTO "TotpFactor" (id, userId, secretCiphertext, confirmedAt, createdAt, updatedAt)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(
      `bench_totp_${index}`,
      `bench_${username(prefix, index)}`,
      encryptSecret(secret, encryptionKey),
      now,
      now,
      now,
    );
  });
}

export function countUsers(file) {
  return withDatabase(file, (db) => db.prepare(`SELECT count(*) AS n FROM "User"`).get().n);
}
