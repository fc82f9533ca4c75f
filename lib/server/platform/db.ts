import "server-only";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import { databaseProvider } from "@/lib/db-url";
import { env } from "./env";

const POOL_SIZE = 10;

// Applied by the app to every SQLite connection it opens, whatever tool
// created or migrated the file.
export const SQLITE_PRAGMAS = [
  // Write-ahead logging: readers never wait for the writer, and a commit
  // appends to one file instead of rewriting pages through a rollback journal.
  "journal_mode = WAL",
  // Another process (a migration, a second `next start`) holding the write
  // lock is waited for, not reported as "database is locked".
  "busy_timeout = 5000",
  // FULL syncs the log at every commit; NORMAL would not lose a commit when
  // the app crashes but could lose the last ones on power loss, and a lost
  // commit here can be a spent TOTP step, a used recovery code or a "sign out
  // everywhere". better-sqlite3 syncs on the event loop (1.4 ms per commit
  // on this project's 2-core VM), so the sign-in step keeps its commits few.
  "synchronous = FULL",
] as const;

// better-sqlite3 runs every statement on the event loop, and this adapter
// opens one connection per client: the pragmas run once, when it connects.
class SqliteAdapterFactory extends PrismaBetterSQLite3 {
  override async connect(): ReturnType<PrismaBetterSQLite3["connect"]> {
    const adapter = await super.connect();
    await adapter.executeScript(SQLITE_PRAGMAS.map((pragma) => `PRAGMA ${pragma};`).join("\n"));
    return adapter;
  }
}

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
      : new SqliteAdapterFactory({ url });
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
