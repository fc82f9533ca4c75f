import fs from "node:fs";
import path from "node:path";

// Fixed, test-only secrets and a database: under `npm test` a SQLite file of
// this worker's own, copied from the template that global-setup migrated;
// under `npm run test:pg` the run's PostgreSQL database.
const worker = process.env.JEST_WORKER_ID ?? "1";
const runDir = process.env.JEST_RUN_DIR ?? path.resolve(__dirname, "..", "..", ".tmp", "jest-pg");

function databaseUrl(): string {
  const pgDatabase = process.env.JEST_PG_DATABASE;
  if (pgDatabase) {
    const url = new URL(process.env.PG_TEST_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
    url.pathname = `/${pgDatabase}`;
    return url.toString();
  }
  if (!process.env.JEST_RUN_DIR)
    throw new Error("JEST_RUN_DIR is unset: __tests__/setup/global-setup.mjs did not run");
  const workerDb = path.join(runDir, `worker-${worker}.db`);
  if (!fs.existsSync(workerDb)) fs.copyFileSync(path.join(runDir, "template.db"), workerDb);
  return `file:${workerDb}`;
}

Object.assign(process.env, {
  DATABASE_URL: databaseUrl(),
  AUTH_SECRET: "test-auth-secret-0123456789abcdef0123456789",
  JWT_SECRET: "test-jwt-secret-0123456789abcdef0123456789ab",
  TOTP_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
  APP_URL: "http://localhost:3000",
  MAIL_OUTBOX_DIR: path.join(runDir, `outbox-${worker}`),
});
