// Seeds bench users straight into the database, SQLite or PostgreSQL, in the
// formats the app reads (lib/server/accounts/password.ts,
// lib/server/platform/encryption.ts, Prisma's ISO dates on SQLite).
import { createCipheriv, randomBytes } from "node:crypto";
import { hash as argon2Hash } from "@node-rs/argon2";
import bcrypt from "bcryptjs";
import Database from "better-sqlite3";
import pg from "pg";

// lib/server/accounts/password.ts: argon2id (algorithm 2), OWASP's m=19 MiB, t=2, p=1.
export const ARGON2_OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 };
export const BENCH_PASSWORD = "bench correct horse battery";

// Every user shares one hash: verifying is the per-sign-in cost under test,
// and hashing 1,000,000 passwords would take longer than the whole bench.
export const argon2PasswordHash = () => argon2Hash(BENCH_PASSWORD, ARGON2_OPTIONS);
export const bcryptPasswordHash = () => bcrypt.hash(BENCH_PASSWORD, 12);

// The adapter's default timestamp format (@prisma/adapter-better-sqlite3).
const sqlDate = (date = new Date()) => date.toISOString().replace("Z", "+00:00");

// Six digits: up to 1,000,000 users sort in index order.
export const username = (prefix, index) => `${prefix}-${String(index).padStart(6, "0")}`;
const userId = (name) => `bench_${name}`;

// Users per INSERT statement: each statement makes its rows in the database
// itself from a range of numbers, so a batch is one round trip.
export const BATCH = 50_000;

// lib/server/platform/encryption.ts: "v1." + base64url(iv | tag | AES-256-GCM ciphertext).
function encryptSecret(plaintext, keyBase64) {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", Buffer.from(keyBase64, "base64"), iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return `v1.${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64url")}`;
}

function withSqlite(file, work) {
  const db = new Database(file, { timeout: 10_000 });
  try {
    return work(db);
  } finally {
    db.close();
  }
}

async function withPostgres(url, work) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

// The bench's handle on an app's database: `{ kind: "sqlite", file }` or
// `{ kind: "postgresql", url }`.
export const sqliteDatabase = (file) => ({ kind: "sqlite", file });
export const postgresDatabase = (url) => ({ kind: "postgresql", url });

// Users [from, to) with 2FA on, so that a right password leads to
// /login/verify: one transaction, one prepared statement run per batch,
// every row built by the database (a numbers range) with the one hash.
// Returns the seconds it took.
export async function seedUsers(database, { prefix, from, to, passwordHash, batch = BATCH }) {
  const started = performance.now();
  if (database.kind === "sqlite") {
    withSqlite(database.file, (db) => {
      const insert = db.prepare(
        `WITH RECURSIVE seq(i) AS (SELECT @start UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < @end)
         INSERT INTO "User" (id, username, email, passwordHash, twoFactorMethod, twoFactorAt,
           sessionVersion, createdAt, updatedAt)
         SELECT 'bench_' || @prefix || '-' || printf('%06d', i), @prefix || '-' || printf('%06d', i),
           @prefix || '-' || printf('%06d', i) || '@bench.test', @hash, 'totp', @now, 0, @now, @now
         FROM seq`,
      );
      const now = sqlDate();
      db.transaction(() => {
        for (let start = from; start < to; start += batch) {
          insert.run({ start, end: Math.min(to, start + batch), prefix, hash: passwordHash, now });
        }
      })();
    });
  } else {
    await withPostgres(database.url, async (client) => {
      await client.query("BEGIN");
      for (let start = from; start < to; start += batch) {
        await client.query({
          name: "bench-seed-users",
          text: `INSERT INTO "User" (id, username, email, "passwordHash", "twoFactorMethod", "twoFactorAt",
                   "sessionVersion", "createdAt", "updatedAt")
                 SELECT 'bench_' || $1 || '-' || lpad(i::text, 6, '0'), $1 || '-' || lpad(i::text, 6, '0'),
                   $1 || '-' || lpad(i::text, 6, '0') || '@bench.test', $2, 'totp', now(), 0, now(), now()
                 FROM generate_series($3::int, $4::int - 1) AS i`,
          values: [prefix, passwordHash, start, Math.min(to, start + batch)],
        });
      }
      await client.query("COMMIT");
      // Fresh statistics, as autovacuum would make them soon after a bulk load.
      await client.query(`ANALYZE "User"`);
    });
  }
  return (performance.now() - started) / 1000;
}

// A confirmed authenticator for one seeded user, so the bench can finish a sign-in.
export async function seedTotpFactor(database, { prefix, index, secret, encryptionKey }) {
  const id = `bench_totp_${index}`;
  const owner = userId(username(prefix, index));
  const ciphertext = encryptSecret(secret, encryptionKey);
  if (database.kind === "sqlite") {
    withSqlite(database.file, (db) => {
      const now = sqlDate();
      db.prepare(
        `INSERT INTO "TotpFactor" (id, userId, secretCiphertext, confirmedAt, createdAt, updatedAt)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ).run(id, owner, ciphertext, now, now, now);
    });
  } else {
    await withPostgres(database.url, (client) =>
      client.query(
        `INSERT INTO "TotpFactor" (id, "userId", "secretCiphertext", "confirmedAt", "createdAt", "updatedAt")
         VALUES ($1, $2, $3, now(), now(), now())`,
        [id, owner, ciphertext],
      ),
    );
  }
}

export async function countUsers(database) {
  if (database.kind === "sqlite") {
    return withSqlite(database.file, (db) => db.prepare(`SELECT count(*) AS n FROM "User"`).get().n);
  }
  return withPostgres(database.url, async (client) => {
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM "User"`);
    return rows[0].n;
  });
}
