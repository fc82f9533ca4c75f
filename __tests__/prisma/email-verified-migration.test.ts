/** @jest-environment node */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

// better-sqlite3 (the adapter's driver) ships no types and the project has no
// @types package for it: the few calls this test makes.
type Statement = { run(...params: unknown[]): unknown; get(): unknown; all(): unknown[] };
type SqliteDatabase = {
  exec(sql: string): void;
  prepare(sql: string): Statement;
  pragma(statement: string): unknown;
  close(): void;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports -- untyped CommonJS driver, typed above
const Database = require("better-sqlite3") as new (file: string) => SqliteDatabase;

// issue 13, item 6: the migration that adds User.emailVerifiedAt marks the
// accounts whose factor is email as verified (their address proved itself)
// and leaves the others unverified. Applied, as `prisma migrate deploy` does,
// to a database that the earlier migrations made and that holds their rows.
const root = path.resolve(__dirname, "..", "..");
const MIGRATION = "20261201130932_account_codes_and_verified_emails";
const migrationsDir = path.join(root, "prisma", "migrations");
const sql = (name: string) => fs.readFileSync(path.join(migrationsDir, name, "migration.sql"), "utf8");
const names = fs
  .readdirSync(migrationsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe("the account_codes_and_verified_emails migration", () => {
  let dir: string;
  let database: SqliteDatabase;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "migration-test-"));
    database = new Database(path.join(dir, "db.sqlite"));
    for (const name of names.slice(0, names.indexOf(MIGRATION))) database.exec(sql(name));
  });

  afterEach(() => {
    database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  // Dates as the Prisma client writes them to SQLite: ISO text.
  const created = "2025-06-01T10:00:00.000Z";
  const insertUser = (id: string, method: string | null, twoFactorAt: string | null) =>
    database
      .prepare(
        `INSERT INTO "User" ("id", "username", "email", "passwordHash", "twoFactorMethod", "twoFactorAt", "createdAt", "updatedAt")
         VALUES (?, ?, ?, 'x', ?, ?, ?, ?)`,
      )
      .run(id, id, `${id}@example.test`, method, twoFactorAt, created, created);

  it("starts from a database the earlier migrations made, which has no emailVerifiedAt yet", () => {
    expect(names).toContain(MIGRATION);
    const columns = database.prepare(`PRAGMA table_info("User")`).all() as { name: string }[];
    expect(columns.map((column) => column.name)).not.toContain("emailVerifiedAt");
  });

  it("marks email-factor accounts verified at their twoFactorAt and leaves the others unverified", () => {
    const enrolledAt = "2026-11-20T08:30:00.000Z";
    insertUser("emailuser", "email", enrolledAt);
    insertUser("totpuser", "totp", enrolledAt);
    insertUser("nofactor", null, null);
    database.exec(sql(MIGRATION));
    const rows = database.prepare(`SELECT "id", "emailVerifiedAt" FROM "User" ORDER BY "id"`).all();
    expect(rows).toEqual([
      { id: "emailuser", emailVerifiedAt: enrolledAt },
      { id: "nofactor", emailVerifiedAt: null },
      { id: "totpuser", emailVerifiedAt: null },
    ]);
  });

  it("falls back to the account's creation time for an email-factor account with no twoFactorAt", () => {
    insertUser("legacy", "email", null);
    database.exec(sql(MIGRATION));
    expect(database.prepare(`SELECT "emailVerifiedAt" FROM "User"`).get()).toEqual({
      emailVerifiedAt: created,
    });
  });

  it("creates an empty AccountCode table whose rows go with their user", () => {
    insertUser("emailuser", "email", created);
    database.exec(sql(MIGRATION));
    database.pragma("foreign_keys = ON");
    database
      .prepare(
        `INSERT INTO "AccountCode" ("id", "userId", "purpose", "secretHash", "email", "expiresAt")
         VALUES ('c1', 'emailuser', 'verify_email', 'h', 'emailuser@example.test', '2026-12-01T00:00:00.000Z')`,
      )
      .run();
    database.prepare(`DELETE FROM "User" WHERE "id" = 'emailuser'`).run();
    expect(database.prepare(`SELECT COUNT(*) AS n FROM "AccountCode"`).get()).toEqual({ n: 0 });
  });

  it("has no semicolon inside a comment, where Prisma's PostgreSQL engine would split a statement", () => {
    for (const folder of [migrationsDir, path.join(root, "prisma", "postgresql", "migrations")]) {
      const text = fs.readFileSync(path.join(folder, MIGRATION, "migration.sql"), "utf8");
      const comments = text.split("\n").filter((line) => line.trim().startsWith("--"));
      expect(comments.filter((line) => line.includes(";"))).toEqual([]);
    }
  });
});
