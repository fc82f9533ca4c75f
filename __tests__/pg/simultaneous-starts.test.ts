/** @jest-environment node */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { enterPassword, newBrowser } from "../kit/forms";
import { root, type AppServer } from "../kit/next-server";
import { startAppOnPostgres } from "../kit/pg-app";

// Runs only under `npm run test:pg`: a parallel deploy starts every instance
// at once, each through `npm start` (scripts/migrate.mjs, then next start), on
// one database. None may be lost to another's migration lock.
const INSTANCES = 3;
const FRESH_DATABASE = `twofactor_starts_${process.pid}`;
const MIGRATIONS = fs
  .readdirSync(path.join(root, "prisma", "postgresql", "migrations"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

let admin: pg.Client;
const started: AppServer[] = [];

function databaseUrl(name: string): string {
  const url = new URL(process.env.DATABASE_URL as string);
  url.pathname = `/${name}`;
  return url.toString();
}

beforeAll(async () => {
  admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${FRESH_DATABASE}`);
  await admin.query(`CREATE DATABASE ${FRESH_DATABASE}`);
});

afterAll(async () => {
  await Promise.all(started.map((server) => server.stop()));
  await admin?.query(`DROP DATABASE IF EXISTS ${FRESH_DATABASE} WITH (FORCE)`);
  await admin?.end();
}, 60_000);

async function startAllAtOnce(url: string): Promise<AppServer[]> {
  const outcomes = await Promise.allSettled(
    Array.from({ length: INSTANCES }, () => startAppOnPostgres(url, { viaNpmStart: true })),
  );
  const servers = outcomes.flatMap((outcome) => (outcome.status === "fulfilled" ? [outcome.value] : []));
  started.push(...servers);
  const lost = outcomes.flatMap((outcome) => (outcome.status === "rejected" ? [String(outcome.reason)] : []));
  expect(lost).toEqual([]);
  return servers;
}

// Each instance answers a password step, which reads the users table.
async function expectAllServe(servers: AppServer[]): Promise<void> {
  for (const [index, server] of servers.entries()) {
    const browser = newBrowser(server.origin, `198.51.100.${200 + index}`);
    const answer = await enterPassword(browser, `nobody-${process.pid}`, "not anyone's password");
    expect(answer.status).toBe(200);
    expect(answer.html).toContain("Invalid username or password");
    expect(server.output()).not.toMatch(/P1002|advisory lock/);
  }
}

describe(`${INSTANCES} instances started at once with npm start on one PostgreSQL database`, () => {
  it("all serve on a fresh database, and its migrations are applied once", async () => {
    const servers = await startAllAtOnce(databaseUrl(FRESH_DATABASE));
    await expectAllServe(servers);
    const applied = servers.filter((server) => !server.output().includes("No pending migrations"));
    expect(applied).toHaveLength(1);

    const fresh = new pg.Client({ connectionString: databaseUrl(FRESH_DATABASE) });
    await fresh.connect();
    try {
      const { rows } = await fresh.query<{ migration_name: string }>(
        `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
      );
      expect(rows.map((row) => row.migration_name).sort()).toEqual([...MIGRATIONS].sort());
    } finally {
      await fresh.end();
    }
  }, 600_000);

  it("all serve on a migrated database, none of them running Prisma's migrate", async () => {
    const servers = await startAllAtOnce(process.env.DATABASE_URL as string);
    await expectAllServe(servers);
    for (const server of servers) expect(server.output()).toContain("No pending migrations.");
  }, 600_000);
});

describe("a start that waits for another start's migrations", () => {
  it("gives up after its time limit with a message saying what to do, without running Prisma", async () => {
    const name = `${FRESH_DATABASE}_held`;
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
    // Another start holds the start lock while the migrations are pending.
    const holder = new pg.Client({ connectionString: databaseUrl(name) });
    await holder.connect();
    try {
      await holder.query("SELECT pg_advisory_lock(72707370)");
      const waiter = spawnSync(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          `import { migratePostgres } from "./scripts/pg-migrations.mjs";
           try { await migratePostgres(process.argv[1], () => console.log("RAN PRISMA"), 1); }
           catch (error) { console.error(error.message); process.exit(1); }`,
          databaseUrl(name),
        ],
        { cwd: root, encoding: "utf8", timeout: 30_000 },
      );
      expect(waiter.status).toBe(1);
      expect(waiter.stdout).toContain(
        "Another start is applying migrations to this database; waiting for it.",
      );
      expect(waiter.stdout).not.toContain("RAN PRISMA");
      expect(waiter.stderr).toContain("Gave up after 1 s waiting for another start's migrations");
      expect(waiter.stderr).toContain("npm run db:migrate");
    } finally {
      await holder.end();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  }, 60_000);
});
