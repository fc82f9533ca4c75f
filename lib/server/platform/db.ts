import "server-only";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import { databaseProvider } from "@/lib/db-url";
import { env } from "./env";
import type { SqliteConnection, SqliteStatement } from "./sqlite-direct";

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
  // on this project's 2-core VM), so the sign-in step keeps its commits few,
  // and the hot path's rate-limit counters and pending sign-ins, whose loss
  // costs a retry, commit without the sync (./sqlite-direct.ts).
  "synchronous = FULL",
] as const;

// The part of a better-sqlite3 connection the adapter and the hot path use.
type BetterSqliteConnection = {
  prepare(sql: string): SqliteStatement & PreparedForPrisma;
  readonly inTransaction: boolean;
  readonly open: boolean;
};
type PreparedForPrisma = {
  reader: boolean;
  bind(args: unknown[]): unknown;
  columns(): unknown[];
  raw(toggle?: boolean): unknown;
};

const MAX_PRISMA_STATEMENTS = 500;

// The adapter prepares every statement again on each query
// (`prepare(sql).bind(args)`, and a bound statement cannot be bound again):
// SQLite parses and plans the same text thousands of times a minute. Here
// `prepare` hands out the statement prepared for that text before, with the
// arguments bound per call instead.
function reusePreparedStatements(connection: BetterSqliteConnection): SqliteConnection {
  const prepare = connection.prepare.bind(connection);
  const prepared = new Map<string, SqliteStatement & PreparedForPrisma>();
  const forPrisma = (sql: string) => {
    let statement = prepared.get(sql);
    if (!statement) {
      statement = prepare(sql);
      if (prepared.size >= MAX_PRISMA_STATEMENTS) prepared.clear();
      prepared.set(sql, statement);
    }
    const reused: SqliteStatement & PreparedForPrisma = statement;
    const withArgs = (args: never[]) => ({
      reader: reused.reader,
      run: () => reused.run(...args),
      columns: () => reused.columns(),
      raw: () => ({ all: () => (reused.raw(true) as SqliteStatement).all(...args) }),
    });
    return { ...withArgs([]), bind: withArgs };
  };
  (connection as unknown as { prepare: typeof forPrisma }).prepare = forPrisma;
  // The hot path prepares (and keeps) its own statements.
  return {
    prepare,
    get inTransaction() {
      return connection.inTransaction;
    },
    get open() {
      return connection.open;
    },
  };
}

// better-sqlite3 runs every statement on the event loop, and this adapter
// opens one connection per client: the pragmas run once, when it connects.
// The app's own client hands its connection to the hot path (./sqlite-direct.ts).
class SqliteAdapterFactory extends PrismaBetterSQLite3 {
  constructor(
    config: { url: string },
    private readonly onConnect?: (connection: SqliteConnection) => void,
  ) {
    super(config);
  }

  override async connect(): ReturnType<PrismaBetterSQLite3["connect"]> {
    const adapter = await super.connect();
    await adapter.executeScript(SQLITE_PRAGMAS.map((pragma) => `PRAGMA ${pragma};`).join("\n"));
    // The adapter keeps its better-sqlite3 Database as `client`.
    const connection = reusePreparedStatements(
      (adapter as unknown as { client: BetterSqliteConnection }).client,
    );
    this.onConnect?.(connection);
    return adapter;
  }
}

export function createPrismaClient(
  url: string,
  onSqliteConnect?: (connection: SqliteConnection) => void,
): PrismaClient {
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
      : new SqliteAdapterFactory({ url }, onSqliteConnect);
  return new PrismaClient({ adapter });
}

// One client per process; in development it survives hot reloads, with the
// SQLite connection its adapter opened.
const globalForPrisma = globalThis as unknown as {
  prisma?: PrismaClient;
  sqliteConnections?: WeakMap<object, SqliteConnection>;
};
const sqliteConnections = (globalForPrisma.sqliteConnections ??= new WeakMap());

function client(): PrismaClient {
  if (!globalForPrisma.prisma) {
    const created: PrismaClient = createPrismaClient(env.DATABASE_URL, (connection) =>
      sqliteConnections.set(created, connection),
    );
    globalForPrisma.prisma = created;
  }
  return globalForPrisma.prisma;
}

// The SQLite connection of the app's client, once the client has connected
// (./sqlite-direct.ts); null before, after it disconnected (until its next
// query connects it again), and on PostgreSQL.
export function connectedSqlite(): SqliteConnection | null {
  const current = globalForPrisma.prisma;
  const connection = current && sqliteConnections.get(current);
  return connection && connection.open ? connection : null;
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
