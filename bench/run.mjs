// npm run bench: builds and starts the app on a fresh SQLite file, seeds
// users, drives load over HTTP and prints one table of medians, each figure
// measured beside its baseline in the same run. See README "Benchmark".
import path from "node:path";
import { generateSecret } from "otplib";
import { root } from "../scripts/lib.mjs";
import { cpuSnapshot, otherProcessesShare } from "./cpu.mjs";
import { fetchHiddenFields, signInFully } from "./forms.mjs";
import { nextClientIp, pageRequest } from "./load.mjs";
import { ms, perSecond, row, writeResults } from "./report.mjs";
import {
  BCRYPT_USERS,
  bcryptVersusArgon2,
  hashingLimit,
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

const SMALL = { prefix: "bench", count: 100 };
const LARGE = { prefix: "bench", count: 100_000 };
const PUBLIC_PAGE = "/";

const started = performance.now();
const elapsed = () => `${Math.round((performance.now() - started) / 1000)} s`;
const step = (text) => console.log(`bench [${elapsed()}] ${text}`);

// The pages under test, and a complete session for the protected one.
async function prepareApp({ origin, databaseFile, pid: serverPid }) {
  const totpSecret = generateSecret();
  seedTotpFactor(databaseFile, {
    prefix: SMALL.prefix,
    index: 0,
    secret: totpSecret,
    encryptionKey: TOTP_ENCRYPTION_KEY,
  });
  const identifier = username(SMALL.prefix, 0);
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

// A second app on its own database of 100,000 users, for the latency
// comparison: the two databases are measured in turns.
async function startLargeApp(passwordHash) {
  largeServer = await startServer({ folder: `${BENCH_DIR}-large`, build: false });
  seedUsers(largeServer.databaseFile, { ...LARGE, from: 0, to: LARGE.count, passwordHash });
  const app = {
    origin: largeServer.origin,
    loginFields: await fetchHiddenFields(largeServer.origin, "/login", "identifier"),
  };
  // As warm as the first app is by now (JIT, Prisma's query compiler): cold, it is ~10% slower.
  await warmUp(app, LARGE, { pages: false, connections: SIGN_IN_CONNECTIONS, seconds: 10 });
  return app;
}

async function measure(server) {
  step("seeding 100 users (argon2id, 2FA on)");
  const argonHash = await argon2PasswordHash();
  seedUsers(server.databaseFile, { ...SMALL, from: 0, to: SMALL.count, passwordHash: argonHash });
  const app = await prepareApp(server);
  step("warming up");
  await warmUp(app, SMALL);
  const cpuBefore = cpuSnapshot(server.pid);

  step("argon2id verify time in-process, server idle");
  const limit = await hashingLimit(argonHash);
  step(`sign-in throughput, ${SIGN_IN_CONNECTIONS} connections`);
  const throughput = await signInThroughput(app, SMALL);
  step(`protected ${"/dashboard"} vs public ${PUBLIC_PAGE}`);
  const pages = await pageLatencies(app);
  step(`public page p99, idle vs ${STORM_CONNECTIONS} concurrent sign-ins`);
  const storm = await publicP99UnderStorm(app, SMALL);

  step("a second app with 100,000 users; sign-in latency, 100 users vs 100,000, in turns");
  const largeApp = await startLargeApp(argonHash);
  const latency = await signInLatencies({ app, users: SMALL }, { app: largeApp, users: LARGE });
  largeServer.stop();
  step(`seeding ${BCRYPT_USERS} bcryptjs cost-12 users; argon2id vs bcrypt sign-ins`);
  seedUsers(server.databaseFile, {
    prefix: "bcrypt",
    from: 0,
    to: BCRYPT_USERS,
    passwordHash: await bcryptPasswordHash(),
  });
  const versus = await bcryptVersusArgon2(app, SMALL, "bcrypt");
  const othersShare = otherProcessesShare(cpuBefore, cpuSnapshot(server.pid));

  const rows = [
    row(
      `sign-in throughput (password step, ${SIGN_IN_CONNECTIONS} connections) vs hashing limit`,
      perSecond(throughput.rate),
      perSecond(limit.perSecond),
      { min: 0.9 },
    ),
    row(
      `protected page /dashboard vs public ${PUBLIC_PAGE}, median latency`,
      ms(pages.protectedMs),
      ms(pages.publicMs),
      {
        max: 1.05,
      },
    ),
    row(
      `public page p99 during ${STORM_CONNECTIONS} concurrent sign-ins vs idle`,
      ms(storm.stormP99),
      ms(storm.idleP99),
      { max: 2 },
    ),
    row("sign-in median latency, 100,000 users vs 100", ms(latency.largeMs), ms(latency.smallMs), {
      max: 1.1,
    }),
    row(
      "sign-in throughput, bcryptjs cost 12 vs argon2id",
      perSecond(versus.bcryptRate),
      perSecond(versus.argonRate),
      null,
    ),
  ];
  const notes = [
    `Medians of 3 runs each. Hashing limit: ${limit.cores} cores / ${limit.verifyMs.toFixed(1)} ms, the median time of one argon2id verify (m=19456, t=2, p=1) measured in-process while the server was idle.`,
    `Sign-ins: the no-JS login form posted to the server action, each from its own X-Forwarded-For address, spread over the seeded users; only 303 redirects to /login/verify count.`,
    Number.isFinite(throughput.cpuMsPerSignIn)
      ? `CPU per sign-in in the server: ${throughput.cpuMsPerSignIn.toFixed(1)} ms, ${throughput.mainMsPerSignIn.toFixed(1)} ms of it on the event loop (one thread); so the CPU allows at most ${((limit.cores * 1000) / throughput.cpuMsPerSignIn).toFixed(0)}/s and the event loop ${(1000 / throughput.mainMsPerSignIn).toFixed(0)}/s.`
      : "CPU per sign-in in the server: not measured (no /proc).",
    `Pages: one connection each, alternating; ${PUBLIC_PAGE} anonymous (${app.sizes.public} bytes), /dashboard with a complete session (${app.sizes.dashboard} bytes).`,
    `Storm: ${STORM_CONNECTIONS} connections signing in (${storm.stormRate.toFixed(1)}/s) while ${PUBLIC_PAGE} is fetched 25 times a second.`,
    `Latency: one connection; the 100-user app and a second one on its own 100,000-user database (same build) take turns.`,
    `bcrypt: each user signs in once (a success rehashes the password to argon2id, one more hash on the thread pool); the argon2id runs alternate with them.`,
    othersShare === null
      ? "CPU used by other processes: not measured (no /proc)."
      : `Other processes used ${(othersShare * 100).toFixed(0)}% of the machine's CPU while measuring${othersShare > 0.1 ? ": the figures are disturbed, run again on a quiet machine" : ""}.`,
  ];
  return { rows, notes };
}

let server;
let largeServer;
const stopServer = () => {
  server?.stop();
  largeServer?.stop();
};
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    stopServer();
    process.exit(130);
  });
}
process.on("exit", stopServer);

try {
  server = await startServer();
  step(`app at ${server.origin}`);
  const { rows, notes } = await measure(server);
  const file = path.join(root, "bench", "results.md");
  const results = await writeResults(file, { rows, notes, elapsedS: (performance.now() - started) / 1000 });
  console.log(`\n${results}`);
  console.log(`bench: done in ${elapsed()}; written to bench/results.md`);
} catch (error) {
  console.error(`bench failed: ${error.stack ?? error}`);
  console.error(`server log: ${path.join(".tmp", "bench", "server.log")}`);
  process.exitCode = 1;
} finally {
  stopServer();
}
