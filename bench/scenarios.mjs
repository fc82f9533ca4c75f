// The measurements behind each figure. Every one is repeated and reduced to
// a median; page and sign-in runs alternate where two are compared, so that
// drift (a warming JIT, a growing database) hits both sides alike.
import os from "node:os";
import { verify } from "@node-rs/argon2";
import { serverCpuMs } from "./cpu.mjs";
import {
  describeFailures,
  drive,
  median,
  pageRequest,
  percentile,
  ratePerSecond,
  signInRequest,
} from "./load.mjs";
import { BENCH_PASSWORD, username } from "./seed.mjs";

export const REPEATS = 3;
export const SIGN_IN_CONNECTIONS = 16;
export const STORM_CONNECTIONS = 50;
const MAX_REQUESTS = 20_000;
// A stride coprime with the user counts used here (100, 1,000,000): consecutive
// sign-ins land on scattered users and scattered index pages.
const USER_STRIDE = 7919;

// A run that ends by the clock leaves requests in flight; let the server finish them.
const settle = () => new Promise((resolve) => setTimeout(resolve, 1500));

function report(label, run) {
  if (run.failures.size > 0) console.warn(`  ${label}: failures: ${describeFailures(run.failures)}`);
  return run;
}

// The login form throttles password steps per typed name
// (lib/server/policy.ts LIMITS.passwordStepsPerName, 10 a minute), so every
// run carries on where the last one on the same users left off: each of
// `count` names is typed once per `count` sign-ins, never in a burst.
const cursors = new Map();
function spreadUsers(prefix, count) {
  const key = `${prefix}/${count}`;
  return () => {
    const n = cursors.get(key) ?? 0;
    cursors.set(key, n + 1);
    return username(prefix, (n * USER_STRIDE) % count);
  };
}

// The ceiling: every core verifying argon2id hashes and doing nothing else.
export async function hashingLimit(passwordHash, samples = 40) {
  const times = [];
  for (let i = 0; i < samples + 5; i++) {
    const start = performance.now();
    await verify(passwordHash, BENCH_PASSWORD);
    if (i >= 5) times.push(performance.now() - start);
  }
  const verifyMs = median(times);
  const cores = os.availableParallelism();
  return { verifyMs, cores, perSecond: cores / (verifyMs / 1000) };
}

function signInRun(app, { prefix, count, connections, seconds, maxRequests = MAX_REQUESTS, pick }) {
  const request = signInRequest(app.loginFields, {
    origin: app.origin,
    pickUsername: pick ?? spreadUsers(prefix, count),
    password: BENCH_PASSWORD,
  });
  const run = drive(app.origin, { connections, seconds, maxRequests, request });
  return { request, run };
}

export async function warmUp(app, users, { pages = true, connections = 4, seconds = 3, maxRequests } = {}) {
  await signInRun(app, { ...users, connections, seconds, maxRequests }).run;
  await settle();
  if (!pages) return;
  await drive(app.origin, { connections: 2, seconds: 2, request: pageRequest("/") });
  await drive(app.origin, { connections: 2, seconds: 2, request: app.dashboardRequest });
}

// Also what one sign-in costs the server in CPU (all threads, and the event
// loop alone), which says what bounds the throughput.
export async function signInThroughput(app, users, seconds = 8) {
  const rates = [];
  const cpuMs = [];
  const mainMs = [];
  for (let i = 0; i < REPEATS; i++) {
    const before = serverCpuMs(app.serverPid);
    const { run } = signInRun(app, { ...users, connections: SIGN_IN_CONNECTIONS, seconds });
    const result = report("sign-in throughput", await run);
    await settle();
    const after = serverCpuMs(app.serverPid);
    rates.push(ratePerSecond(result));
    if (before && after) {
      cpuMs.push((after.all - before.all) / result.successes);
      mainMs.push((after.main - before.main) / result.successes);
    }
  }
  return { rate: median(rates), cpuMsPerSignIn: median(cpuMs), mainMsPerSignIn: median(mainMs) };
}

// One connection: the time a sign-in takes, without queueing behind others.
// The two apps (databases) take turns run by run, so that drift hits both
// alike. Runs end by the clock or at `maxRequests`, whichever is first: the
// 100 users of the small side are typed at most twice a run.
export const LATENCY_MAX_REQUESTS = 200;
export async function signInLatencies(small, large, seconds = 5) {
  const medians = { small: [], large: [] };
  for (let i = 0; i < REPEATS; i++) {
    for (const [side, { app, users }] of Object.entries({ small, large })) {
      const { run } = signInRun(app, {
        ...users,
        connections: 1,
        seconds,
        maxRequests: LATENCY_MAX_REQUESTS,
      });
      medians[side].push(median(report(`sign-in latency (${side})`, await run).latencies));
    }
  }
  return { smallMs: median(medians.small), largeMs: median(medians.large) };
}

export async function pageLatencies(app, seconds = 5) {
  const publicMs = [];
  const protectedMs = [];
  for (let i = 0; i < REPEATS; i++) {
    const publicRun = await drive(app.origin, { connections: 1, seconds, request: app.publicRequest });
    publicMs.push(median(report("public page", publicRun).latencies));
    const protectedRun = await drive(app.origin, { connections: 1, seconds, request: app.dashboardRequest });
    protectedMs.push(median(report("protected page", protectedRun).latencies));
  }
  return { publicMs: median(publicMs), protectedMs: median(protectedMs) };
}

// A light, steady stream of public page views, alone and then beside a storm
// of concurrent sign-ins.
export async function publicP99UnderStorm(app, users, seconds = 10) {
  const light = { connections: 1, overallRate: 25, seconds, request: app.publicRequest };
  const idle = [];
  const storm = [];
  const stormRates = [];
  for (let i = 0; i < REPEATS; i++) {
    idle.push(percentile(report("public page, idle", await drive(app.origin, light)).latencies, 99));
    const sign = signInRun(app, { ...users, connections: STORM_CONNECTIONS, seconds: seconds + 3 });
    // Let the storm fill its 50 connections before sampling.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    storm.push(percentile(report("public page, storm", await drive(app.origin, light)).latencies, 99));
    stormRates.push(ratePerSecond(report("storm sign-ins", await sign.run)));
    await settle();
  }
  return { idleP99: median(idle), stormP99: median(storm), stormRate: median(stormRates) };
}

// bcrypt users are single use (a success rehashes them to argon2id), so each
// run takes fresh ones. bcrypt runs end by count, not time: a run cut off by
// the clock would leave the server verifying bcrypt hashes (on its main
// thread) into the next run.
export const BCRYPT_PER_RUN = 2 * SIGN_IN_CONNECTIONS;
// Requests are built one ahead per connection.
export const BCRYPT_USERS = REPEATS * (BCRYPT_PER_RUN + SIGN_IN_CONNECTIONS);

export async function bcryptVersusArgon2(app, argonUsers, bcryptPrefix, seconds = 8) {
  const argon = [];
  const bcrypt = [];
  let next = 0;
  for (let i = 0; i < REPEATS; i++) {
    const argonRun = signInRun(app, { ...argonUsers, connections: SIGN_IN_CONNECTIONS, seconds });
    argon.push(ratePerSecond(report("argon2id sign-ins", await argonRun.run)));
    await settle();
    const first = next;
    const bcryptRun = signInRun(app, {
      connections: SIGN_IN_CONNECTIONS,
      seconds: 60,
      maxRequests: BCRYPT_PER_RUN,
      pick: (n) => username(bcryptPrefix, first + n),
    });
    bcrypt.push(ratePerSecond(report("bcrypt sign-ins", await bcryptRun.run)));
    next = first + bcryptRun.request.sent;
  }
  return { argonRate: median(argon), bcryptRate: median(bcrypt) };
}
