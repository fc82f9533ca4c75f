// Writes prisma/postgresql/schema.prisma from prisma/schema.prisma: the two
// are identical but for the datasource provider (a test holds them to it).
import fs from "node:fs";
import path from "node:path";
import { root } from "./lib.mjs";

export function toPostgresSchema(sqliteSchema) {
  return sqliteSchema
    .replace(
      /^\/\/ SQLite schema\..*\n(\/\/.*\n)*/,
      "// PostgreSQL schema, generated from prisma/schema.prisma by `npm run db:sync-pg`.\n// Edit that file, not this one.\n",
    )
    .replace('provider = "sqlite"', 'provider = "postgresql"');
}

const source = fs.readFileSync(path.join(root, "prisma", "schema.prisma"), "utf8");
const target = path.join(root, "prisma", "postgresql", "schema.prisma");
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.writeFileSync(target, toPostgresSchema(source));
console.log("Wrote prisma/postgresql/schema.prisma");
