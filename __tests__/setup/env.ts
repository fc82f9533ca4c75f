import fs from "node:fs";
import path from "node:path";

// Fixed, test-only secrets and a SQLite file of this worker's own, copied
// from the template that global-setup migrated.
const runDir = process.env.JEST_RUN_DIR;
if (!runDir) throw new Error("JEST_RUN_DIR is unset: __tests__/setup/global-setup.mjs did not run");
const worker = process.env.JEST_WORKER_ID ?? "1";
const workerDb = path.join(runDir, `worker-${worker}.db`);
if (!fs.existsSync(workerDb)) fs.copyFileSync(path.join(runDir, "template.db"), workerDb);

Object.assign(process.env, {
  DATABASE_URL: `file:${workerDb}`,
  AUTH_SECRET: "test-auth-secret-0123456789abcdef0123456789",
  JWT_SECRET: "test-jwt-secret-0123456789abcdef0123456789ab",
  TOTP_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
  APP_URL: "http://localhost:3000",
  MAIL_OUTBOX_DIR: path.join(runDir, `outbox-${worker}`),
});
