// The PostgreSQL side of the bench: its own databases on the server at
// BENCH_PG_URL (default 127.0.0.1:5432, user postgres), made for the run and
// dropped after it, and a PostgreSQL Prisma client generated beside the
// SQLite one, as `npm run test:pg` does (__tests__/setup/pg-global-setup.mjs):
// node_modules/.prisma/client stays the SQLite client, and the app under test
// loads node_modules/.prisma/client-pg through a --require hook.
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { prismaOutput, root } from "../scripts/lib.mjs";

export const ADMIN_URL = process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
export const PG_CLIENT_HOOK = path.join(root, "__tests__", "kit", "prisma-client-pg-hook.cjs");
const PG_CLIENT_DIR = path.join(root, "node_modules", ".prisma", "client-pg");

export function databaseUrl(name) {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin(work) {
  const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 10_000 });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

function cleanEnv(url) {
  const { NODE_OPTIONS: _ignored, ...env } = process.env;
  return { ...env, DATABASE_URL: url };
}

// Generates the PostgreSQL client into node_modules/.prisma/client-pg.
export function generatePostgresClient() {
  const schemaDir = path.join(root, ".tmp", "bench-pg-client");
  fs.mkdirSync(schemaDir, { recursive: true });
  const schema = fs
    .readFileSync(path.join(root, "prisma", "postgresql", "schema.prisma"), "utf8")
    .replace('engineType = "client"', `engineType = "client"\n  output     = "${PG_CLIENT_DIR}"`);
  if (!schema.includes(PG_CLIENT_DIR))
    throw new Error("prisma/postgresql/schema.prisma has no engineType line");
  fs.writeFileSync(path.join(schemaDir, "schema.prisma"), schema);
  prismaOutput(
    ["generate", "--schema", path.join(schemaDir, "schema.prisma")],
    cleanEnv(databaseUrl("postgres")),
  );
}

// Fresh databases of these names, migrated: the first by `prisma migrate
// deploy`, the others copied from it (CREATE DATABASE ... TEMPLATE, a second
// instead of another 12 s of migrating). Returns their URLs.
export async function createDatabases(names) {
  await dropDatabases(names);
  const [first, ...rest] = names;
  await withAdmin((admin) => admin.query(`CREATE DATABASE ${first}`));
  prismaOutput(["migrate", "deploy"], cleanEnv(databaseUrl(first)));
  await withAdmin(async (admin) => {
    for (const name of rest) await admin.query(`CREATE DATABASE ${name} TEMPLATE ${first}`);
  });
  return names.map(databaseUrl);
}

export async function dropDatabases(names) {
  await withAdmin(async (admin) => {
    for (const name of names) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
}
