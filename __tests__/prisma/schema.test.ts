/** @jest-environment node */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(__dirname, "..", "..");
const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8");
const withoutLeadingComments = (schema: string) => schema.replace(/^(\/\/.*\n)+/, "");

function prismaCli(args: string[], databaseUrl: string) {
  const { NODE_OPTIONS: _ignored, ...env } = process.env;
  return spawnSync(process.execPath, [path.join(root, "node_modules/prisma/build/index.js"), ...args], {
    cwd: root,
    env: { ...env, DATABASE_URL: databaseUrl },
    encoding: "utf8",
  });
}

const migrationNames = (folder: string) =>
  fs
    .readdirSync(path.join(root, folder), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

describe("the Prisma schemas", () => {
  it("keeps the PostgreSQL schema identical to the SQLite one but for the provider", () => {
    const sqlite = withoutLeadingComments(read("prisma/schema.prisma"));
    const postgres = withoutLeadingComments(read("prisma/postgresql/schema.prisma"));
    expect(sqlite).toContain('provider = "sqlite"');
    expect(postgres).toBe(sqlite.replace('provider = "sqlite"', 'provider = "postgresql"'));
  });

  it("has a PostgreSQL migration for every SQLite migration", () => {
    expect(migrationNames("prisma/postgresql/migrations")).toEqual(migrationNames("prisma/migrations"));
    expect(read("prisma/postgresql/migrations/migration_lock.toml")).toContain('provider = "postgresql"');
  });

  it("builds, from the migrations, exactly the database the schema describes", () => {
    const url = process.env.DATABASE_URL as string;
    const pulled = prismaCli(["db", "pull", "--print"], url);
    expect(pulled.status).toBe(0);
    const introspected = path.join(
      path.dirname(url.replace(/^file:/, "")),
      `introspected-${process.pid}.prisma`,
    );
    fs.writeFileSync(introspected, pulled.stdout.slice(pulled.stdout.indexOf("generator client")));
    const diff = prismaCli(
      [
        "migrate",
        "diff",
        "--from-schema-datamodel",
        introspected,
        "--to-schema-datamodel",
        "prisma/schema.prisma",
        "--exit-code",
      ],
      url,
    );
    // --exit-code: 0 means no difference, 2 means the migrations lag the schema.
    expect({ status: diff.status, diff: diff.stdout.trim() }).toEqual({
      status: 0,
      diff: "No difference detected.",
    });
  }, 30_000);
});
