/** @jest-environment node */
import fs from "node:fs";
import path from "node:path";
import pg from "pg";

// Runs only under `npm run test:pg`. The PostgreSQL twin of
// __tests__/prisma/email-verified-migration.test.ts: on a database of its own
// that the earlier migrations made and that holds their rows, the migration
// adding User.emailVerifiedAt marks email-factor accounts verified and no others.
const root = path.resolve(__dirname, "..", "..");
const MIGRATION = "20261201130932_account_codes_and_verified_emails";
const migrationsDir = path.join(root, "prisma", "postgresql", "migrations");
const sql = (name: string) => fs.readFileSync(path.join(migrationsDir, name, "migration.sql"), "utf8");
const names = fs
  .readdirSync(migrationsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

const adminUrl = process.env.PG_TEST_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const databaseName = `twofactor_migration_${process.pid}`;
const urlOf = (name: string) => {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
};

let admin: pg.Client;
let database: pg.Client;

beforeAll(async () => {
  admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${databaseName}`);
  await admin.query(`CREATE DATABASE ${databaseName}`);
  database = new pg.Client({ connectionString: urlOf(databaseName) });
  await database.connect();
  for (const name of names.slice(0, names.indexOf(MIGRATION))) await database.query(sql(name));
});

afterAll(async () => {
  await database?.end();
  await admin?.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
  await admin?.end();
});

it("marks email-factor accounts verified at their twoFactorAt and leaves the others unverified", async () => {
  const enrolledAt = new Date("2026-11-20T08:30:00.000Z");
  const insert = `INSERT INTO "User" ("id", "username", "email", "passwordHash", "twoFactorMethod", "twoFactorAt", "updatedAt")
    VALUES ($1, $1, $1 || '@example.test', 'x', $2, $3, now())`;
  await database.query(insert, ["emailuser", "email", enrolledAt]);
  await database.query(insert, ["totpuser", "totp", enrolledAt]);
  await database.query(insert, ["nofactor", null, null]);
  await database.query(sql(MIGRATION));
  const { rows } = await database.query(`SELECT "id", "emailVerifiedAt" FROM "User" ORDER BY "id"`);
  expect(rows).toEqual([
    { id: "emailuser", emailVerifiedAt: enrolledAt },
    { id: "nofactor", emailVerifiedAt: null },
    { id: "totpuser", emailVerifiedAt: null },
  ]);
});
