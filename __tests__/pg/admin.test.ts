/** @jest-environment node */
import { spawnSync } from "node:child_process";
import path from "node:path";
import pg from "pg";
import type { PrismaClient } from "@prisma/client";
import { describeAdminCli, newOutbox } from "@/__tests__/kit/admin-cli";
import { createPrismaClient } from "@/lib/server/platform/db";

// `npm run admin` as a real process on a PostgreSQL database of its own,
// migrated here; the --require hook points its @prisma/client at the
// PostgreSQL client the run generated (as for `next start` in pg-app.ts).
jest.setTimeout(180_000);

const ADMIN_URL = process.env.PG_TEST_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const name = `twofactor_admin_${process.pid}`;
const PG_CLIENT_HOOK = path.join(__dirname, "..", "kit", "prisma-client-pg-hook.cjs");
let client: PrismaClient | undefined;

async function adminQuery(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

afterAll(async () => {
  await client?.$disconnect();
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

describeAdminCli("the operator CLI on PostgreSQL", async () => {
  await adminQuery(`DROP DATABASE IF EXISTS ${name}`);
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const { NODE_OPTIONS: _ignored, ...env } = process.env;
  const root = path.resolve(__dirname, "..", "..");
  const migrate = spawnSync(
    process.execPath,
    [path.join(root, "node_modules", "prisma", "build", "index.js"), "migrate", "deploy"],
    { cwd: root, env: { ...env, DATABASE_URL: databaseUrl }, encoding: "utf8" },
  );
  if (migrate.status !== 0) throw new Error(`migrate deploy failed:\n${migrate.stderr}`);
  client = createPrismaClient(databaseUrl);
  return { target: { databaseUrl, outbox: newOutbox(), nodeOptions: `--require ${PG_CLIENT_HOOK}` }, client };
});
