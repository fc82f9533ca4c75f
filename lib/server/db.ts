import "server-only";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import { databaseProvider } from "@/lib/db-url";
import { env } from "./env";

const POOL_SIZE = 10;

export function createPrismaClient(url: string): PrismaClient {
  const adapter =
    databaseProvider(url) === "postgresql"
      ? new PrismaPg(
          // A bounded pool that fails fast while the database is unreachable
          // and reconnects by itself when it is back (fit for serverless:
          // many instances times this pool stays under PostgreSQL's limit).
          {
            connectionString: url,
            max: POOL_SIZE,
            connectionTimeoutMillis: 5_000,
            idleTimeoutMillis: 30_000,
          },
          { onPoolError: (error) => console.error(`[db] idle connection lost: ${error.name}`) },
        )
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

// Connection failures (as opposed to bad queries): the caller answers 503.
export function isDatabaseUnavailable(error: unknown): boolean {
  const text = `${(error as { code?: string })?.code ?? ""} ${(error as Error)?.message ?? ""}`;
  return /P1001|P1002|P1008|P1017|P2024|ECONNREFUSED|ECONNRESET|ETIMEDOUT|timeout exceeded when trying to connect|Connection terminated|database is locked/i.test(
    text,
  );
}
