// Applies pending migrations to DATABASE_URL (SQLite by default). Run by
// `npm start`, `npm run dev` and `npm run db:migrate`.
import Database from "better-sqlite3";
import {
  checkProductionEnvironment,
  ensureClientProvider,
  ensureSqliteFolder,
  isPostgres,
  sqliteFile,
  loadProjectEnv,
  prisma,
} from "./lib.mjs";
import { migratePostgres } from "./pg-migrations.mjs";

const env = loadProjectEnv();
await checkProductionEnvironment(env);
ensureSqliteFolder(env.DATABASE_URL);
ensureClientProvider(env.DATABASE_URL);

if (isPostgres(env.DATABASE_URL)) {
  try {
    await migratePostgres(env.DATABASE_URL, () => prisma(["migrate", "deploy"], env));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
} else {
  prisma(["migrate", "deploy"], env);
  // Write-ahead logging: readers never wait for a writer, and a commit costs
  // one sync. The mode is stored in the file, so setting it once is enough.
  const database = new Database(sqliteFile(env.DATABASE_URL));
  database.pragma("journal_mode = WAL");
  database.close();
}
