/** @jest-environment node */
import { loginAction } from "@/app/login/actions";
import { registerAction } from "@/app/register/actions";
import { Browser } from "@/__tests__/kit/browsers";
import { freshIp, uniqueName } from "@/__tests__/kit/names";
import { form, runAction } from "@/__tests__/kit/request-scope";
import { db } from "@/lib/server/platform/db";
import { pruneExpired } from "@/lib/server/platform/prune";
import { PRUNE } from "@/lib/server/policy";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/request-scope").nextHeaders);

// Issue 15, item 6: an attacker's flood of failed sign-ins and unfinished
// registrations, from an address of its own each (the costliest case: every
// per-IP row is new), grows the tables only until their windows pass; then
// the after-response prune (PRUNE.batch rows a table a run) brings every
// table back to where it was. In-process rather than over HTTP: on 2 shared
// cores each request's argon2 hash, not the transport, is the cost, and
// HTTP would take minutes. The clock is moved by passing `now` to the prune.
jest.setTimeout(300_000);

const SIGN_INS = Number(process.env.FLOOD_SIGN_INS ?? 9_000);
const REGISTRATIONS = Number(process.env.FLOOD_REGISTRATIONS ?? 1_000);
const CONCURRENCY = 8;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function inParallel(
  count: number,
  work: (index: number) => Promise<unknown>,
  concurrency = CONCURRENCY,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

// A few names over and over (most tries then stop at the name's delay,
// before any hash, as a credential stuffer's do), each from a new address.
const names = Array.from({ length: 50 }, () => uniqueName("victim"));

function failedSignIn(index: number): Promise<unknown> {
  const visitor = new Browser(freshIp(), "flood");
  const identifier = index % 4 === 0 ? uniqueName("nobody") : names[index % names.length];
  return visitor.run(() =>
    runAction(() => loginAction({}, form({ identifier, password: "not-the-password-1" }))),
  );
}

function unfinishedRegistration(): Promise<unknown> {
  const visitor = new Browser(freshIp(), "flood");
  const username = uniqueName("flood");
  return visitor.run(() =>
    runAction(() =>
      registerAction(
        {},
        form({ username, email: `${username}@example.test`, password: "a long and uncommon passphrase 42" }),
      ),
    ),
  );
}

const tables = {
  users: () => db.user.count(),
  challenges: () => db.signInChallenge.count(),
  accountCodes: () => db.accountCode.count(),
  rateLimits: () => db.rateLimit.count(),
  events: () => db.securityEvent.count(),
};
type Counts = Record<keyof typeof tables, number>;

async function counts(): Promise<Counts> {
  const entries = await Promise.all(
    Object.entries(tables).map(async ([name, count]) => [name, await count()]),
  );
  return Object.fromEntries(entries) as Counts;
}

// What after-response runs do, one batch at a time, until a run finds nothing.
async function pruneRuns(now: Date): Promise<number> {
  for (let runs = 1; ; runs++) {
    const deleted = await pruneExpired(db, now, { limit: PRUNE.batch });
    if (Object.values(deleted).every((count) => count === 0)) return runs;
  }
}

it(`keeps the tables bounded under ${SIGN_INS} failed sign-ins and ${REGISTRATIONS} unfinished registrations once their windows pass`, async () => {
  const started = Date.now();
  const before = await counts();

  // Both at once, as a flood comes; a registration spends most of its
  // answer floor (250 ms) asleep.
  await Promise.all([
    inParallel(SIGN_INS, failedSignIn),
    inParallel(REGISTRATIONS, unfinishedRegistration, 24),
  ]);
  const flooded = await counts();
  const floodMs = Date.now() - started;

  // Each request left rows behind: per-IP rate-limit rows at least.
  expect(flooded.rateLimits - before.rateLimits).toBeGreaterThanOrEqual(SIGN_INS + REGISTRATIONS);
  expect(flooded.users - before.users).toBe(REGISTRATIONS);

  // While the windows last, nothing that still counts goes: a prune now
  // keeps every account, challenge and code of the flood.
  await pruneRuns(new Date());
  const meanwhile = await counts();
  expect(meanwhile.users).toBe(flooded.users);
  expect(meanwhile.challenges).toBe(flooded.challenges);

  // A day and a bit later (the longest window: the 24-hour hold of an
  // unverified address, a day without failures for a name's delay, a day
  // past a code's expiry), everything of the flood is gone but its events.
  const runs = await pruneRuns(new Date(started + DAY + 2 * HOUR));
  const dayAfter = await counts();
  expect(dayAfter.users).toBeLessThanOrEqual(before.users);
  expect(dayAfter.challenges).toBeLessThanOrEqual(before.challenges);
  expect(dayAfter.accountCodes).toBeLessThanOrEqual(before.accountCodes);
  expect(dayAfter.rateLimits).toBeLessThanOrEqual(before.rateLimits);
  // Bounded work: one batch per table per run.
  const largest = Math.max(
    ...Object.keys(tables).map((name) => flooded[name as keyof Counts] - before[name as keyof Counts]),
  );
  expect(runs).toBeLessThanOrEqual(Math.ceil(largest / PRUNE.batch) + 2);

  // The events (failed sign-ins without an account) stay for their retention.
  expect(dayAfter.events).toBeGreaterThan(before.events);
  await pruneRuns(new Date(started + 91 * DAY));
  expect((await counts()).events).toBeLessThanOrEqual(before.events);

  console.info(
    `[flood] ${SIGN_INS} sign-ins and ${REGISTRATIONS} registrations in ${floodMs} ms; ` +
      `rows before ${JSON.stringify(before)}, flooded ${JSON.stringify(flooded)}, a day after ${JSON.stringify(dayAfter)}; ` +
      `${runs} prune runs; the whole test ${Date.now() - started} ms`,
  );
});
