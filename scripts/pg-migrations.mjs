// PostgreSQL side of scripts/migrate.mjs: several instances may start at once
// on one database. Prisma's `migrate deploy` holds advisory lock 72707369 for
// its whole run (about 12 s, even with nothing to apply) and a second one
// gives up after 10 s, so a start first asks the database whether anything is
// pending, and only then queues behind a lock of its own, for as long as it
// takes another start to apply them.
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { root } from "./lib.mjs";

// Not Prisma's key: the start that holds this lock runs `migrate deploy`,
// which then takes Prisma's own lock without anyone else queueing for it.
const START_LOCK = 72707370;
const MIGRATIONS = path.join(root, "prisma", "postgresql", "migrations");
const POLL_MS = 500;

export const WAIT_LIMIT_SECONDS = 600;

function migrationNames() {
  return fs
    .readdirSync(MIGRATIONS, { withFileTypes: true })
    .filter(
      (entry) => entry.isDirectory() && fs.existsSync(path.join(MIGRATIONS, entry.name, "migration.sql")),
    )
    .map((entry) => entry.name);
}

// Prisma reads its schema from a `schema` parameter that pg does not know.
function connectionOf(url) {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get("schema") || "public";
  parsed.searchParams.delete("schema");
  return { connectionString: parsed.toString(), schema };
}

// True when every migration in the folder is recorded as applied and none
// failed half-way (`migrate deploy` then reports that itself).
async function upToDate(client, schema) {
  const table = `${client.escapeIdentifier(schema)}."_prisma_migrations"`;
  const exists = await client.query("SELECT to_regclass($1) IS NOT NULL AS found", [table]);
  if (!exists.rows[0].found) return false;
  const { rows } = await client.query(
    `SELECT migration_name, finished_at IS NOT NULL AS finished FROM ${table} WHERE rolled_back_at IS NULL`,
  );
  if (rows.some((row) => !row.finished)) return false;
  const applied = new Set(rows.map((row) => row.migration_name));
  return migrationNames().every((name) => applied.has(name));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function takeStartLock(client, waitLimitSeconds) {
  const deadline = Date.now() + waitLimitSeconds * 1000;
  let told = false;
  for (;;) {
    const { rows } = await client.query("SELECT pg_try_advisory_lock($1) AS taken", [START_LOCK]);
    if (rows[0].taken) return;
    if (!told) {
      console.log("Another start is applying migrations to this database; waiting for it.");
      told = true;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Gave up after ${waitLimitSeconds} s waiting for another start's migrations ` +
          `(PostgreSQL advisory lock ${START_LOCK}). Run \`npm run db:migrate\` once per deploy ` +
          "as a release step, then `next start` alone on each instance.",
      );
    }
    await sleep(POLL_MS);
  }
}

// Runs `applyMigrations` (Prisma's `migrate deploy`) only when something is
// pending, and only in one start at a time; a start that waited finds the
// work done and returns at once.
export async function migratePostgres(url, applyMigrations, waitLimitSeconds = WAIT_LIMIT_SECONDS) {
  const { connectionString, schema } = connectionOf(url);
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (error) {
    // `migrate deploy` creates a database that does not exist yet.
    if (error?.code !== "3D000") throw error;
    applyMigrations();
    return;
  }
  try {
    if (await upToDate(client, schema)) {
      console.log("No pending migrations.");
      return;
    }
    await takeStartLock(client, waitLimitSeconds);
    if (await upToDate(client, schema)) {
      console.log("No pending migrations: another start applied them.");
      return;
    }
    applyMigrations();
  } finally {
    // Ending the session releases the lock, also when the migration failed.
    await client.end();
  }
}
