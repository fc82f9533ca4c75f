// npm run bench: builds and starts the app on a fresh SQLite file, seeds
// users, drives load over HTTP and prints one table of medians, each figure
// measured beside its baseline in the same run; then the same table with the
// app on PostgreSQL (BENCH_SKIP_PG=1 leaves that out). See README "Benchmark".
import path from "node:path";
import { generateSecret } from "otplib";
import { root } from "../scripts/lib.mjs";
import { cpuSnapshot, otherProcessesShare } from "./cpu.mjs";
import { fetchHiddenFields, signInFully } from "./forms.mjs";
import { nextClientIp, pageRequest } from "./load.mjs";
import { createDatabases, dropDatabases, generatePostgresClient, PG_CLIENT_HOOK } from "./postgres.mjs";
import { ms, perSecond, row, seconds, writeResults } from "./report.mjs";
import {
  BCRYPT_USERS,
  bcryptVersusArgon2,
  hashingLimit,
  LATENCY_MAX_REQUESTS,
  pageLatencies,
  publicP99UnderStorm,
  SIGN_IN_CONNECTIONS,
  signInLatencies,
  signInThroughput,
  STORM_CONNECTIONS,
  warmUp,
} from "./scenarios.mjs";
import {
  argon2PasswordHash,
  BENCH_PASSWORD,
  bcryptPasswordHash,
  seedTotpFactor,
  seedUsers,
  username,
} from "./seed.mjs";
import { BENCH_DIR, startServer, TOTP_ENCRYPTION_KEY } from "./server.mjs";

// The app under load holds 1,000 users: the login form allows 10 password
// steps a minute per typed name, and the bench makes up to ~60 a second.
const LOAD = { prefix: "bench", count: 1_000 };
// The latency comparison: an app on 100 users against one on 1,000,000.
const SMALL = { prefix: "bench", count: 100 };
const LARGE = { prefix: "bench", count: 1_000_000 };
const PUBLIC_PAGE = "/";
const SKIP_PG = process.env.BENCH_SKIP_PG === "1";

// Issue 16's goals.
const GOALS = {
  cpuOutsideHashMs: 8,
  throughput: 0.6,
  dashboard: 1.2,
  storm: 2,
  largeLatency: 1.1,
  seedS: 120,
};

const started = performance.now();
const elapsed = () => `${Math.round((performance.now() - started) / 1000)} s`;
const step = (text) => console.log(`bench [${elapsed()}] ${text}`);
const count = (n) => n.toLocaleString("en-US");

// The pages under test, and a complete session for the protected one.
async function prepareApp({ origin, database, pid: serverPid }) {
  const totpSecret = generateSecret();
  await seedTotpFactor(database, {
    prefix: LOAD.prefix,
    index: 0,
    secret: totpSecret,
    encryptionKey: TOTP_ENCRYPTION_KEY,
  });
  const identifier = username(LOAD.prefix, 0);
  const cookie = await signInFully(origin, {
    identifier,
    password: BENCH_PASSWORD,
    totpSecret,
    clientIp: nextClientIp(),
  });
  const app = {
    origin,
    serverPid,
    loginFields: await fetchHiddenFields(origin, "/login", "identifier"),
    publicRequest: pageRequest(PUBLIC_PAGE, { expect: "Accounts protected by two factors" }),
    // Only the dashboard itself has this (a redirect would render /login).
    dashboardRequest: pageRequest("/dashboard", { cookie, expect: 'data-testid="recovery-codes-left"' }),
  };
  const size = async (headers) =>
    (await (await fetch(`${origin}${PUBLIC_PAGE}`, { headers })).arrayBuffer()).byteLength;
  const dashboard = await fetch(`${origin}/dashboard`, { headers: { cookie }, redirect: "manual" });
  if (dashboard.status !== 200) throw new Error(`/dashboard with the session answered ${dashboard.status}`);
  app.sizes = { public: await size({}), dashboard: (await dashboard.arrayBuffer()).byteLength };
  return app;
}

// Two more apps (the same build), each on its own database, one of 100
// users and one of 1,000,000, for the latency comparison: they are measured
// in turns.
async function startLatencyApp(start, users, passwordHash) {
  const server = await start();
  running.add(server);
  const seedS = await seedUsers(server.database, { ...users, from: 0, to: users.count, passwordHash });
  step(`seeded ${count(users.count)} users in ${seedS.toFixed(1)} s`);
  const app = {
    server,
    seedS,
    origin: server.origin,
    loginFields: await fetchHiddenFields(server.origin, "/login", "identifier"),
  };
  // Warm (JIT, Prisma's query compiler): cold, an app is ~10% slower. By count,
  // so that each of 100 users is typed 3 times here, 6 in the runs after: under
  // the 10 a minute the login form allows.
  await warmUp(app, users, { pages: false, connections: SIGN_IN_CONNECTIONS, seconds: 10, maxRequests: 300 });
  return app;
}

function stopApp(app) {
  app.server.stop();
  running.delete(app.server);
}

async function measure(backend) {
  const server = await backend.start();
  running.add(server);
  step(`app at ${server.origin} (${backend.name}); seeding ${count(LOAD.count)} users (argon2id, 2FA on)`);
  const argonHash = await argon2PasswordHash();
  await seedUsers(server.database, { ...LOAD, from: 0, to: LOAD.count, passwordHash: argonHash });
  const app = await prepareApp(server);
  step("warming up");
  await warmUp(app, LOAD);
  const cpuBefore = cpuSnapshot(server.pid);

  step("argon2id verify time in-process, server idle");
  const limit = await hashingLimit(argonHash);
  step(`sign-in throughput, ${SIGN_IN_CONNECTIONS} connections`);
  const throughput = await signInThroughput(app, LOAD);
  step(`protected ${"/dashboard"} vs public ${PUBLIC_PAGE}`);
  const pages = await pageLatencies(app);
  step(`public page p99, idle vs ${STORM_CONNECTIONS} concurrent sign-ins`);
  const storm = await publicP99UnderStorm(app, LOAD);

  step(`apps on ${SMALL.count} and ${count(LARGE.count)} users; sign-in latency in turns`);
  const smallApp = await startLatencyApp(backend.startSmall, SMALL, argonHash);
  const largeApp = await startLatencyApp(backend.startLarge, LARGE, argonHash);
  const latency = await signInLatencies({ app: smallApp, users: SMALL }, { app: largeApp, users: LARGE });
  stopApp(smallApp);
  stopApp(largeApp);
  step(`seeding ${BCRYPT_USERS} bcryptjs cost-12 users; argon2id vs bcrypt sign-ins`);
  await seedUsers(server.database, {
    prefix: "bcrypt",
    from: 0,
    to: BCRYPT_USERS,
    passwordHash: await bcryptPasswordHash(),
  });
  const versus = await bcryptVersusArgon2(app, LOAD, "bcrypt");
  const othersShare = otherProcessesShare(cpuBefore, cpuSnapshot(server.pid));
  server.stop();
  running.delete(server);

  const outsideHashMs = throughput.cpuMsPerSignIn - limit.verifyMs;
  const rows = [
    row(
      "1. server CPU per password step outside the hash (CPU per sign-in minus one argon2id verify)",
      ms(outsideHashMs),
      ms(limit.verifyMs),
      { maxValue: GOALS.cpuOutsideHashMs, unit: "ms" },
    ),
    row(
      `2. protected page /dashboard vs public ${PUBLIC_PAGE}, median latency`,
      ms(pages.protectedMs),
      ms(pages.publicMs),
      { max: GOALS.dashboard },
    ),
    row(
      `3. public page p99 during ${STORM_CONNECTIONS} concurrent sign-ins vs idle`,
      ms(storm.stormP99),
      ms(storm.idleP99),
      { max: GOALS.storm },
    ),
    row(
      `4. sign-in throughput (password step, ${SIGN_IN_CONNECTIONS} connections) vs hashing limit`,
      perSecond(throughput.rate),
      perSecond(limit.perSecond),
      { min: GOALS.throughput },
    ),
    row(
      `5. sign-in median latency, ${count(LARGE.count)} users vs 100`,
      ms(latency.largeMs),
      ms(latency.smallMs),
      { max: GOALS.largeLatency },
    ),
    row(
      `5. seeding ${count(LARGE.count)} users vs the two-minute limit`,
      seconds(largeApp.seedS),
      seconds(GOALS.seedS),
      { maxValue: GOALS.seedS, unit: "s" },
    ),
    row(
      "sign-in throughput, bcryptjs cost 12 vs argon2id",
      perSecond(versus.bcryptRate),
      perSecond(versus.argonRate),
      null,
    ),
  ];
  const notes = [
    `Medians of 3 runs each. Hashing limit: ${limit.cores} cores / ${limit.verifyMs.toFixed(1)} ms, the median time of one argon2id verify (m=19456, t=2, p=1) measured in-process while the server was idle.`,
    Number.isFinite(throughput.cpuMsPerSignIn)
      ? `CPU per sign-in in the server (all threads, during the throughput runs): ${throughput.cpuMsPerSignIn.toFixed(1)} ms, ${throughput.mainMsPerSignIn.toFixed(1)} ms of it on the event loop (one thread); less the ${limit.verifyMs.toFixed(1)} ms verify, ${outsideHashMs.toFixed(1)} ms is spent outside the hash (row 1, whose baseline is the verify). So the CPU allows at most ${((limit.cores * 1000) / throughput.cpuMsPerSignIn).toFixed(0)}/s and the event loop ${(1000 / throughput.mainMsPerSignIn).toFixed(0)}/s.`
      : "CPU per sign-in in the server: not measured (no /proc).",
    `Sign-ins: the no-JS login form posted to the server action, each from its own X-Forwarded-For address, spread over the app's ${count(LOAD.count)} seeded users (each typed at most a few times a minute: the form allows 10 password steps a minute per name); only 303 redirects to /login/verify count.`,
    `Pages: one connection each, alternating; ${PUBLIC_PAGE} anonymous (${app.sizes.public} bytes), /dashboard with a complete session (${app.sizes.dashboard} bytes).`,
    `Storm: ${STORM_CONNECTIONS} connections signing in (${storm.stormRate.toFixed(1)}/s) while ${PUBLIC_PAGE} is fetched 25 times a second.`,
    `Latency: one connection, runs of 5 s or ${LATENCY_MAX_REQUESTS} sign-ins; an app on its own ${SMALL.count}-user database and one on its own ${count(LARGE.count)}-user database (same build, both warmed by 300 sign-ins) take turns. Seeding: ${count(LARGE.count)} users with 2FA on and one precomputed argon2id hash, one transaction of multi-row INSERT ... SELECT statements (${backend.seeding}), timed from the first statement to the end (the commit, and on PostgreSQL the ANALYZE after it).`,
    `bcrypt: each user signs in once (a success rehashes the password to argon2id, one more hash on the thread pool); the argon2id runs alternate with them.`,
    othersShare === null
      ? "CPU used by other processes: not measured (no /proc)."
      : `Other processes used ${(othersShare * 100).toFixed(0)}% of the machine's CPU while measuring${othersShare > 0.1 ? ": the figures are disturbed, run again on a quiet machine" : ""}.`,
  ];
  return { title: backend.title, rows, notes };
}

const running = new Set();
let pgDatabases = null;
const stopServers = () => {
  for (const server of running) server.stop();
  running.clear();
};
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    stopServers();
    if (pgDatabases) await dropDatabases(pgDatabases).catch(() => {});
    process.exit(130);
  });
}
process.on("exit", stopServers);

const sqlite = {
  name: "SQLite",
  title:
    "SQLite (the default: one file, WAL, synchronous=FULL but for rate-limit counters and pending sign-ins)",
  seeding: "a numbers range made by a recursive CTE, 50,000 rows a statement, better-sqlite3",
  start: () => startServer(),
  startSmall: () => startServer({ folder: `${BENCH_DIR}-small`, build: false }),
  startLarge: () => startServer({ folder: `${BENCH_DIR}-large`, build: false }),
};

async function postgres() {
  step("PostgreSQL: generating its Prisma client (node_modules/.prisma/client-pg) and three databases");
  generatePostgresClient();
  const names = [`bench_${process.pid}`, `bench_${process.pid}_small`, `bench_${process.pid}_large`];
  pgDatabases = names;
  const [loadUrl, smallUrl, largeUrl] = await createDatabases(names);
  const nodeOptions = `--require ${PG_CLIENT_HOOK}`;
  return {
    name: "PostgreSQL",
    title: "PostgreSQL (the scale-out configuration: 127.0.0.1:5432, the same build)",
    seeding: "generate_series, 50,000 rows a statement, then ANALYZE",
    start: () => startServer({ folder: `${BENCH_DIR}-pg`, build: false, databaseUrl: loadUrl, nodeOptions }),
    startSmall: () =>
      startServer({ folder: `${BENCH_DIR}-pg-small`, build: false, databaseUrl: smallUrl, nodeOptions }),
    startLarge: () =>
      startServer({ folder: `${BENCH_DIR}-pg-large`, build: false, databaseUrl: largeUrl, nodeOptions }),
  };
}

try {
  const sections = [await measure(sqlite)];
  if (SKIP_PG) {
    sections.push({ title: "PostgreSQL", skipped: "Not measured in this run (BENCH_SKIP_PG=1)." });
  } else {
    try {
      sections.push(await measure(await postgres()));
    } finally {
      stopServers();
      if (pgDatabases) await dropDatabases(pgDatabases);
      pgDatabases = null;
    }
  }
  const file = path.join(root, "bench", "results.md");
  const results = await writeResults(file, { sections, elapsedS: (performance.now() - started) / 1000 });
  console.log(`\n${results}`);
  console.log(`bench: done in ${elapsed()}; written to bench/results.md`);
} catch (error) {
  console.error(`bench failed: ${error.stack ?? error}`);
  console.error(`server logs: ${path.join(".tmp", "bench*", "server.log")}`);
  process.exitCode = 1;
} finally {
  stopServers();
}
