// Builds the app and serves it the way production does: `next start` with a
// fresh SQLite file (or a PostgreSQL database the caller made), fixed bench
// secrets and a local mail outbox.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { prisma, root } from "../scripts/lib.mjs";
import { postgresDatabase, sqliteDatabase } from "./seed.mjs";

export const BENCH_DIR = path.join(root, ".tmp", "bench");
export const TOTP_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString("base64");

const NEXT_BIN = path.join(root, "node_modules", "next", "dist", "bin", "next");
// A build folder of its own (next.config.mjs reads NEXT_DIST_DIR), so the bench
// never rebuilds a developer's or the browser suite's `.next`.
export const BENCH_DIST_DIR = path.join(".tmp", "next-bench");
const READY_TIMEOUT_MS = 60_000;

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
    probe.on("error", reject);
  });
}

function benchEnv(port, folder, databaseUrl, nodeOptions) {
  const env = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    NEXT_DIST_DIR: BENCH_DIST_DIR,
    DATABASE_URL: databaseUrl ?? `file:${path.join(folder, "bench.db")}`,
    AUTH_SECRET: "bench-auth-secret-0123456789abcdef0123456789",
    JWT_SECRET: "bench-jwt-secret-0123456789abcdef0123456789ab",
    TOTP_ENCRYPTION_KEY,
    APP_URL: `http://127.0.0.1:${port}`,
    MAIL_OUTBOX_DIR: path.join(folder, "outbox"),
    // The bench stands in for the proxy: each request's X-Forwarded-For is its client.
    TRUSTED_PROXY_HOPS: "1",
  };
  delete env.SMTP_URL;
  if (nodeOptions) env.NODE_OPTIONS = nodeOptions;
  else delete env.NODE_OPTIONS;
  return env;
}

function buildApp(env) {
  if (process.env.BENCH_SKIP_BUILD === "1" && fs.existsSync(path.join(root, BENCH_DIST_DIR, "BUILD_ID"))) {
    console.log(`bench: reusing the existing ${BENCH_DIST_DIR} build (BENCH_SKIP_BUILD=1)`);
    return;
  }
  const build = spawnSync(process.execPath, [NEXT_BIN, "build"], { cwd: root, env, stdio: "inherit" });
  if (build.status !== 0) throw new Error(`next build failed with exit code ${build.status}`);
}

async function waitUntilReady(origin, server) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`next start exited with code ${server.exitCode}`);
    try {
      const response = await fetch(`${origin}/token_input`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`next start was not ready after ${READY_TIMEOUT_MS / 1000} s`);
}

// Builds (unless told not to), migrates a fresh SQLite database in `folder`
// (or takes `databaseUrl`, a migrated PostgreSQL database, with `nodeOptions`
// such as the --require of the PostgreSQL client hook) and starts `next
// start` in its own process group, so that stop() ends it and anything it
// spawned.
export async function startServer({ folder = BENCH_DIR, build = true, databaseUrl, nodeOptions } = {}) {
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(folder, { recursive: true });
  const port = await freePort();
  const database = databaseUrl
    ? postgresDatabase(databaseUrl)
    : sqliteDatabase(path.join(folder, "bench.db"));
  const env = benchEnv(port, folder, databaseUrl, nodeOptions);
  if (build) buildApp(benchEnv(port, folder));
  if (!databaseUrl) prisma(["migrate", "deploy"], env);

  const log = fs.openSync(path.join(folder, "server.log"), "w");
  // BENCH_CPU_PROF=<folder>: the server writes a V8 CPU profile there when it stops.
  const profile = process.env.BENCH_CPU_PROF
    ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`]
    : [];
  const server = spawn(
    process.execPath,
    [...profile, NEXT_BIN, "start", "-p", String(port), "-H", "127.0.0.1"],
    {
      cwd: root,
      env,
      detached: true,
      stdio: ["ignore", log, log],
    },
  );
  const origin = `http://127.0.0.1:${port}`;
  const stop = () => {
    if (server.exitCode !== null || server.signalCode !== null) return;
    try {
      process.kill(-server.pid, "SIGTERM");
    } catch {
      // Already gone.
    }
  };
  try {
    await waitUntilReady(origin, server);
  } catch (error) {
    stop();
    throw error;
  }
  return { origin, database, pid: server.pid, stop };
}
