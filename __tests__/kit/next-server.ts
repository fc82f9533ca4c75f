import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

// The production build under test, for jest suites that need a real
// `next start` (the origin check on server actions, start-up refusal, two
// instances on one PostgreSQL). One build serves every suite and run: it is
// rebuilt only when a source file changed, under a lock, into a folder of its
// own so that it never meets a developer's `.next`.
export const root = path.resolve(__dirname, "..", "..");
export const TEST_DIST_DIR = path.join(".tmp", "next-test");
const distPath = path.join(root, TEST_DIST_DIR);
const lockDir = path.join(root, ".tmp", "next-test.lock");
const NEXT_BIN = path.join(root, "node_modules", "next", "dist", "bin", "next");
const SOURCES = [
  "app",
  "lib",
  "emails",
  "auth.ts",
  "middleware.ts",
  "instrumentation.ts",
  "next.config.mjs",
  "postcss.config.mjs",
  "package-lock.json",
];

function listFiles(entry: string): string[] {
  const full = path.join(root, entry);
  if (!fs.existsSync(full)) return [];
  if (!fs.statSync(full).isDirectory()) return [full];
  return fs
    .readdirSync(full, { withFileTypes: true })
    .flatMap((child) => listFiles(path.join(entry, child.name)))
    .sort();
}

function sourceStamp(): string {
  const hash = crypto.createHash("sha256");
  for (const file of SOURCES.flatMap(listFiles)) {
    hash.update(file).update(fs.readFileSync(file));
  }
  return hash.digest("hex");
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function lockHolderAlive(): boolean {
  try {
    const pid = Number(fs.readFileSync(path.join(lockDir, "pid"), "utf8"));
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// Returns the dist folder (relative to the project) holding a build of the
// current sources.
// Runs `work` holding the build lock (a folder; a lock whose holder died is
// taken over).
async function underBuildLock<T>(work: () => T): Promise<T> {
  for (;;) {
    try {
      fs.mkdirSync(lockDir, { recursive: false });
    } catch {
      if (!lockHolderAlive()) fs.rmSync(lockDir, { recursive: true, force: true });
      await sleep(500);
      continue;
    }
    try {
      fs.writeFileSync(path.join(lockDir, "pid"), String(process.pid));
      return work();
    } finally {
      fs.rmSync(lockDir, { recursive: true, force: true });
    }
  }
}

export async function ensureBuild(): Promise<string> {
  const stamp = sourceStamp();
  const stampFile = path.join(distPath, "SOURCE_STAMP");
  const isCurrent = () => fs.existsSync(stampFile) && fs.readFileSync(stampFile, "utf8") === stamp;
  if (isCurrent()) return TEST_DIST_DIR;
  await underBuildLock(() => {
    if (isCurrent()) return;
    fs.rmSync(distPath, { recursive: true, force: true });
    const build = spawnSync(process.execPath, [NEXT_BIN, "build"], {
      cwd: root,
      env: {
        ...process.env,
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        NEXT_DIST_DIR: TEST_DIST_DIR,
      },
      encoding: "utf8",
    });
    if (build.status !== 0) {
      throw new Error(`next build failed (${build.status}):\n${build.stdout}\n${build.stderr}`);
    }
    fs.writeFileSync(stampFile, stamp);
  });
  return TEST_DIST_DIR;
}

// A running `next start` reads its build lazily, and another suite may
// rebuild TEST_DIST_DIR (after a source change) while it runs: each server
// runs from a copy of its own, made under the build lock, at the same depth
// so that the build's relative links into node_modules still resolve.
let copies = 0;

function removeStaleCopies(): void {
  for (const entry of fs.readdirSync(path.join(root, ".tmp"))) {
    const pid = /^next-run-(\d+)-/.exec(entry)?.[1];
    if (!pid) continue;
    try {
      process.kill(Number(pid), 0);
    } catch {
      fs.rmSync(path.join(root, ".tmp", entry), { recursive: true, force: true });
    }
  }
}

async function copyOfBuild(): Promise<string> {
  for (;;) {
    await ensureBuild();
    const copy = await underBuildLock(() => {
      // Another suite may have started a rebuild since ensureBuild returned.
      if (!fs.existsSync(path.join(distPath, "SOURCE_STAMP"))) return null;
      removeStaleCopies();
      const folder = path.join(".tmp", `next-run-${process.pid}-${copies++}`);
      fs.rmSync(path.join(root, folder), { recursive: true, force: true });
      fs.cpSync(distPath, path.join(root, folder), {
        recursive: true,
        verbatimSymlinks: true,
        filter: (source) => source !== path.join(distPath, "cache"),
      });
      return folder;
    });
    if (copy) return copy;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.on("error", reject);
  });
}

export type AppServer = {
  origin: string;
  port: number;
  /** Everything the server printed so far, stdout and stderr interleaved. */
  output(): string;
  stop(): Promise<void>;
};

export type StartOptions = {
  /** Environment for `next start`, on top of fixed production defaults. */
  env?: Record<string, string | undefined>;
  /** Extra NODE_OPTIONS, e.g. `--require` of a resolution hook. */
  nodeOptions?: string;
  port?: number;
  /** The build to run, relative to the project; TEST_DIST_DIR by default. */
  distDir?: string;
  /** Start through `npm start` (scripts/migrate.mjs, then next start) instead of next start alone. */
  viaNpmStart?: boolean;
};

// Starts `next start` on the test build. NODE_ENV is production; the caller
// gives the database and secrets (or leaves secrets out on purpose).
export function spawnApp(options: StartOptions & { port: number }): ChildProcess & { captured: string[] } {
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    NEXT_DIST_DIR: options.distDir ?? TEST_DIST_DIR,
    NODE_OPTIONS: options.nodeOptions,
    ...options.env,
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const listen = ["-p", String(options.port), "-H", "127.0.0.1"];
  const [command, args] = options.viaNpmStart
    ? ["npm", ["start", "--silent", "--", ...listen]]
    : [process.execPath, [NEXT_BIN, "start", ...listen]];
  const child = spawn(command, args, {
    cwd: root,
    env: env as NodeJS.ProcessEnv,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  }) as ChildProcess & { captured: string[] };
  child.captured = [];
  child.stdout?.on("data", (chunk: Buffer) => child.captured.push(chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => child.captured.push(chunk.toString("utf8")));
  return child;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    try {
      process.kill(-(child.pid as number), "SIGTERM");
    } catch {
      resolve();
    }
  });
}

export async function startApp(options: StartOptions = {}): Promise<AppServer> {
  const distDir = await copyOfBuild();
  const port = options.port ?? (await freePort());
  const child = spawnApp({ ...options, port, distDir });
  const stop = async () => {
    await stopChild(child);
    fs.rmSync(path.join(root, distDir), { recursive: true, force: true });
  };
  const origin = `http://127.0.0.1:${port}`;
  // `npm start` may first wait for another start's migrations.
  const readyWithin = options.viaNpmStart ? 300_000 : 60_000;
  const deadline = Date.now() + readyWithin;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`next start exited with code ${child.exitCode}:\n${child.captured.join("")}`);
    }
    try {
      const response = await fetch(`${origin}/token_input`);
      if (response.status < 500) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`next start was not ready after ${readyWithin / 1000} s:\n${child.captured.join("")}`);
    }
    await sleep(200);
  }
  return { origin, port, output: () => child.captured.join(""), stop };
}

// A migrated SQLite file of the suite's own, copied from the run's template
// (__tests__/setup/global-setup.mjs).
export function freshSqliteUrl(name: string): string {
  const runDir = process.env.JEST_RUN_DIR;
  if (!runDir) throw new Error("JEST_RUN_DIR is unset: __tests__/setup/global-setup.mjs did not run");
  const file = path.join(runDir, `${name}-${process.pid}.db`);
  fs.copyFileSync(path.join(runDir, "template.db"), file);
  return `file:${file}`;
}

// A server on the jest run's test secrets (__tests__/setup/env.ts), a database
// of the caller's, and APP_URL its own origin unless the test names another.
export async function startTestApp(options: {
  databaseUrl: string;
  outbox: string;
  appUrl?: (port: number) => string;
}): Promise<AppServer> {
  const port = await freePort();
  return startApp({
    port,
    env: {
      DATABASE_URL: options.databaseUrl,
      AUTH_SECRET: process.env.AUTH_SECRET,
      JWT_SECRET: process.env.JWT_SECRET,
      TOTP_ENCRYPTION_KEY: process.env.TOTP_ENCRYPTION_KEY,
      APP_URL: options.appUrl?.(port) ?? `http://127.0.0.1:${port}`,
      MAIL_OUTBOX_DIR: path.join(process.env.JEST_RUN_DIR as string, options.outbox),
    },
  });
}
