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
      const [{ PrismaPg }, { default: pg }] = await Promise.all([import("@prisma/adapter-pg"), import("pg")]);
      // Prisma 6.19's JavaScript schema engine introspects catalog columns of
      // PostgreSQL's internal types "char" (oid 18) and name (oid 19), which
      // adapter-pg cannot describe: report them as text (oid 25).
      class CatalogAsTextPool extends pg.Pool {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg's overloads; forwarded as is
        override async query(...args: any[]): Promise<any> {
          const result = await (
            super.query as (...a: unknown[]) => Promise<{ fields?: { dataTypeID: number }[] }>
          )(...args);
          for (const field of result?.fields ?? []) {
            if (field.dataTypeID === 18 || field.dataTypeID === 19) field.dataTypeID = 25;
          }
          return result;
        }
      }
      return new PrismaPg(new CatalogAsTextPool({ connectionString: url, max: 2 }), {
        disposeExternalPool: true,
      });
    }
    const { PrismaBetterSQLite3 } = await import("@prisma/adapter-better-sqlite3");
    return new PrismaBetterSQLite3({ url });
  },
});
