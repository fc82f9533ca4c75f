import "server-only";
import { connectedSqlite } from "./db";

// The hot path on SQLite (docs/ARCHITECTURE.md "The hot path"): the few
// statements every password step and protected page runs, sent straight to
// the better-sqlite3 connection Prisma's adapter opened, as prepared
// statements kept for reuse. Prisma compiles every query it is given (no plan
// cache) and prepares its SQL again each time; here a statement costs what
// SQLite itself costs. A transaction runs within one turn of the event loop
// (better-sqlite3 is synchronous), so nothing else the process does can
// interleave with it; it waits for a transaction Prisma holds open on the
// connection to end first. Elsewhere (PostgreSQL) callers use Prisma.

type Param = string | number | bigint | null | Buffer;

export type SqliteStatement = {
  run(...params: Param[]): { changes: number };
  get(...params: Param[]): unknown;
  all(...params: Param[]): unknown[];
  safeIntegers(toggle?: boolean): SqliteStatement;
};

export type SqliteConnection = {
  prepare(sql: string): SqliteStatement;
  readonly inTransaction: boolean;
  // False once the client disconnected (it opens a new connection when used again).
  readonly open: boolean;
};

// What a transaction's work is given: rows come back as plain objects,
// integers as numbers, dates as the text Prisma stored (see sqliteDate).
export type SqliteRunner = {
  get<T>(sql: string, ...params: Param[]): T | undefined;
  all<T>(sql: string, ...params: Param[]): T[];
  run(sql: string, ...params: Param[]): number;
};

// Statements are prepared once per connection and kept.
const preparedFor = new WeakMap<SqliteConnection, Map<string, SqliteStatement>>();
// A bound on the statements kept: the hot path has a few dozen.
const MAX_STATEMENTS = 200;

function runnerFor(connection: SqliteConnection): SqliteRunner {
  let prepared = preparedFor.get(connection);
  if (!prepared) preparedFor.set(connection, (prepared = new Map()));
  const kept = prepared;
  const statement = (sql: string): SqliteStatement => {
    let found = kept.get(sql);
    if (!found) {
      found = connection.prepare(sql).safeIntegers(false);
      if (kept.size >= MAX_STATEMENTS) kept.clear();
      kept.set(sql, found);
    }
    return found;
  };
  return {
    get: <T>(sql: string, ...params: Param[]) => statement(sql).get(...params) as T | undefined,
    all: <T>(sql: string, ...params: Param[]) => statement(sql).all(...params) as T[],
    run: (sql: string, ...params: Param[]) => statement(sql).run(...params).changes,
  };
}

// Prisma's adapter writes DateTime as ISO 8601 with "+00:00" for "Z"; the
// hot path writes the same text, so that comparisons in SQL order by time.
export function sqliteDate(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}

export const parseSqliteDate = (text: string): Date => new Date(text);
export const parseOptionalSqliteDate = (text: string | null): Date | null =>
  text === null ? null : new Date(text);

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export type DirectSqlite = {
  // Runs `work` in one write transaction (BEGIN IMMEDIATE: the write lock
  // is taken first, so the reads inside see what the writes act on),
  // committed when it returns and rolled back when it throws.
  transaction<T>(work: (sql: SqliteRunner) => T, options?: { syncToDisk?: boolean }): Promise<T>;
  // A read outside any transaction (one statement is atomic by itself).
  read<T>(work: (sql: SqliteRunner) => T): Promise<T>;
};

// The hot path, once the app's client has connected to SQLite; null before
// (the caller's Prisma query then connects it) and on PostgreSQL. Both wait
// for a transaction Prisma holds open on the connection, so that neither
// writes into it nor reads its uncommitted rows.
const hotPaths = new WeakMap<SqliteConnection, DirectSqlite>();

export function directSqlite(): DirectSqlite | null {
  const connection = connectedSqlite();
  if (!connection) return null;
  let hotPath = hotPaths.get(connection);
  if (!hotPath) hotPaths.set(connection, (hotPath = hotPathOf(connection)));
  return hotPath;
}

function hotPathOf(connection: SqliteConnection): DirectSqlite {
  const sql = runnerFor(connection);
  const idle = async () => {
    while (connection.inTransaction) await nextTurn();
  };
  return {
    async transaction(work, { syncToDisk = true } = {}) {
      await idle();
      // `syncToDisk: false` commits to the write-ahead log without waiting
      // for the disk (synchronous=NORMAL for this one commit, FULL again
      // before anything else runs): the commit survives the app crashing or
      // restarting, and only an OS crash or power loss before the next
      // synced commit (which syncs the log up to it) could lose it. For rows
      // whose loss would cost nothing but a retry: rate-limit counters and
      // pending sign-ins (db.ts SQLITE_PRAGMAS says which rows must sync).
      if (!syncToDisk) sql.run("PRAGMA synchronous = NORMAL");
      try {
        sql.run("BEGIN IMMEDIATE");
        try {
          const result = work(sql);
          sql.run("COMMIT");
          return result;
        } catch (error) {
          if (connection.inTransaction) sql.run("ROLLBACK");
          throw error;
        }
      } finally {
        if (!syncToDisk) sql.run("PRAGMA synchronous = FULL");
      }
    },
    async read(work) {
      await idle();
      return work(sql);
    },
  };
}
