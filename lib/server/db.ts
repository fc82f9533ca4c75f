import "server-only";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import { databaseProvider } from "@/lib/db-url";
import { env } from "./env";

export function createPrismaClient(url: string): PrismaClient {
  const adapter =
    databaseProvider(url) === "postgresql"
      ? new PrismaPg({ connectionString: url })
      : new PrismaBetterSQLite3({ url });
  return new PrismaClient({ adapter });
}

// One client per process; in development it survives hot reloads.
const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };

function client(): PrismaClient {
  globalForPrisma.prisma ??= createPrismaClient(env.DATABASE_URL);
  return globalForPrisma.prisma;
}

// Created on first use, so that importing this module at build time opens no
// database.
export const db: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, key) {
    const value: unknown = Reflect.get(client(), key);
    return typeof value === "function" ? value.bind(client()) : value;
  },
});
