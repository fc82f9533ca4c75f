import path from "node:path";
import { defineConfig } from "prisma/config";
import { DEFAULT_DATABASE_URL, databaseProvider } from "./lib/db-url";

// Prisma's CLI would otherwise download a native schema engine, which these
// machines cannot reach: the JavaScript engine runs through a driver adapter.
process.env.DATABASE_URL ??= DEFAULT_DATABASE_URL;
const url = process.env.DATABASE_URL;
const provider = databaseProvider(url);

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema:
    provider === "postgresql"
      ? path.join("prisma", "postgresql", "schema.prisma")
      : path.join("prisma", "schema.prisma"),
  migrations: {
    path:
      provider === "postgresql"
        ? path.join("prisma", "postgresql", "migrations")
        : path.join("prisma", "migrations"),
  },
  async adapter() {
    if (provider === "postgresql") {
      const { PrismaPg } = await import("@prisma/adapter-pg");
      return new PrismaPg({ connectionString: url });
    }
    const { PrismaBetterSQLite3 } = await import("@prisma/adapter-better-sqlite3");
    return new PrismaBetterSQLite3({ url });
  },
});
