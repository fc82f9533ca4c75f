// Serves the production build for the browser suite: a fresh SQLite file and
// outbox under .tmp/e2e, fixed test secrets, `next build`, then `next start`.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ensureClientProvider, prisma, root } from "../scripts/lib.mjs";

const port = process.env.E2E_PORT;
if (!port) throw new Error("E2E_PORT is not set: run this through `npm run test:e2e`");

const dir = path.join(root, ".tmp", "e2e");
fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(dir, { recursive: true });

const env = {
  ...process.env,
  NODE_ENV: "production",
  NEXT_TELEMETRY_DISABLED: "1",
  DATABASE_URL: `file:${path.join(dir, "e2e.db")}`,
  AUTH_SECRET: "e2e-auth-secret-0123456789abcdef0123456789",
  JWT_SECRET: "e2e-jwt-secret-0123456789abcdef0123456789ab",
  TOTP_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString("base64"),
  // localhost, not 127.0.0.1: the passkeys' RP ID and origin follow APP_URL,
  // and WebAuthn takes no IP address (playwright.config.ts's baseURL matches).
  APP_URL: `http://localhost:${port}`,
  MAIL_OUTBOX_DIR: path.join(dir, "outbox"),
  // The suite's own SMTP server (e2e/smtp-sink.ts).
  SMTP_URL: `smtp://127.0.0.1:${process.env.E2E_SMTP_PORT}/?ignoreTLS=true`,
};

// For e2e/logs.teardown.ts (names as in e2e/secrets.ts): the server's own
// secrets, and everything `next start` prints, still shown as it comes.
const secretsFile = path.join(dir, "secrets.jsonl");
const serverLog = path.join(dir, "server.log");
for (const name of ["AUTH_SECRET", "JWT_SECRET", "TOTP_ENCRYPTION_KEY"]) {
  fs.appendFileSync(secretsFile, `${JSON.stringify({ kind: `server ${name}`, value: env[name] })}\n`);
}

const next = path.join(root, "node_modules", "next", "dist", "bin", "next");
if (process.env.E2E_SKIP_BUILD !== "1") {
  const build = spawnSync(process.execPath, [next, "build"], { cwd: root, env, stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
ensureClientProvider(env.DATABASE_URL);
prisma(["migrate", "deploy"], env);

const server = spawn(process.execPath, [next, "start", "-p", port, "-H", "127.0.0.1"], {
  cwd: root,
  env,
  stdio: ["inherit", "pipe", "pipe"],
});
for (const [from, to] of [
  [server.stdout, process.stdout],
  [server.stderr, process.stderr],
]) {
  from.on("data", (chunk) => {
    fs.appendFileSync(serverLog, chunk);
    to.write(chunk);
  });
}
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
