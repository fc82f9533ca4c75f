import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { prismaOutput, root } from "../../scripts/lib.mjs";

// `npm run test:pg`: the same integration tests on a real PostgreSQL. A
// database of this run's own is created (and dropped by the teardown), and a
// PostgreSQL client is generated beside the SQLite one (jest.pg.config.mjs
// maps @prisma/client to it), so the project's own client is never swapped.
export const ADMIN_URL = process.env.PG_TEST_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export function databaseUrl(name) {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export default async function globalSetup() {
  const name = `twofactor_test_${process.pid}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();

  const url = databaseUrl(name);
  const { NODE_OPTIONS: _ignored, ...env } = process.env;
  const schemaDir = path.join(root, ".tmp", "pg-client");
  fs.mkdirSync(schemaDir, { recursive: true });
  const schema = fs
    .readFileSync(path.join(root, "prisma", "postgresql", "schema.prisma"), "utf8")
    .replace(
      'engineType = "client"',
      `engineType = "client"\n  output     = "${path.join(root, "node_modules", ".prisma", "client-pg")}"`,
    );
  fs.writeFileSync(path.join(schemaDir, "schema.prisma"), schema);
  prismaOutput(["generate", "--schema", path.join(schemaDir, "schema.prisma")], {
    ...env,
    DATABASE_URL: url,
  });
  prismaOutput(["migrate", "deploy"], { ...env, DATABASE_URL: url });
  process.env.JEST_PG_DATABASE = name;
}
