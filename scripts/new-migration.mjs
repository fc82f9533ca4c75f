// Authors a migration for both providers from the change to
// prisma/schema.prisma, with no database server and no engine download:
// the existing migrations are applied to a scratch SQLite file, that file is
// introspected, and the difference to the schema is rendered as SQL for
// SQLite and for PostgreSQL. Usage: npm run db:migration -- add_something
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { prisma, prismaOutput, root } from "./lib.mjs";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("Usage: npm run db:migration -- <name in lower_snake_case>");
  process.exit(2);
}

await import("./sync-pg-schema.mjs");

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "migration-"));
const env = { ...process.env, DATABASE_URL: `file:${path.join(scratch, "scratch.db")}` };
prisma(["migrate", "deploy"], env);
// The CLI prints a warning about the datasource url before the schema.
const pulled = prismaOutput(["db", "pull", "--print"], env);
const introspected = pulled.slice(pulled.indexOf("generator client"));
const previous = {
  sqlite: path.join(scratch, "previous-sqlite.prisma"),
  postgresql: path.join(scratch, "previous-postgresql.prisma"),
};
fs.writeFileSync(previous.sqlite, introspected);
fs.writeFileSync(previous.postgresql, introspected.replace('provider = "sqlite"', 'provider = "postgresql"'));

const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const targets = [
  { provider: "sqlite", schema: "prisma/schema.prisma", folder: "prisma/migrations" },
  {
    provider: "postgresql",
    schema: "prisma/postgresql/schema.prisma",
    folder: "prisma/postgresql/migrations",
  },
];
for (const { provider, schema, folder } of targets) {
  const sql = prismaOutput(
    [
      "migrate",
      "diff",
      "--from-schema-datamodel",
      previous[provider],
      "--to-schema-datamodel",
      schema,
      "--script",
    ],
    env,
  );
  if (!/^\s*(CREATE|ALTER|DROP|INSERT|PRAGMA|UPDATE)/m.test(sql)) {
    console.log(`${provider}: the schema matches the migrations; nothing to write.`);
    continue;
  }
  const dir = path.join(root, folder, `${stamp}_${name}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "migration.sql"), sql);
  console.log(`${provider}: wrote ${path.relative(root, dir)}/migration.sql`);
}
fs.rmSync(scratch, { recursive: true, force: true });
