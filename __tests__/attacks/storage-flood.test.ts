/** @jest-environment node */
import type { PrismaClient } from "@prisma/client";
import { getPage, hiddenFields, newBrowser, postForm } from "@/__tests__/kit/forms";
import { freshIp, uniqueName } from "@/__tests__/kit/names";
import { freshSqliteUrl, startTestApp, type AppServer } from "@/__tests__/kit/next-server";
import { createPrismaClient } from "@/lib/server/platform/db";
import { pruneExpired } from "@/lib/server/platform/prune";
import { PRUNE } from "@/lib/server/policy";

// Issue 15, item 6: an attacker's flood of failed sign-ins and unfinished
// registrations over HTTP against `next start`, each from an address of its
// own (the costliest case: every per-IP row is new), grows the tables only
// until their windows pass; then the after-response prune (PRUNE.batch rows
// a table a run) brings every table back to where it was. The server's
// clock cannot be moved, so the test runs the same prune on the same SQLite
// file with `now` a day and more ahead.
jest.setTimeout(900_000);

const SIGN_INS = Number(process.env.FLOOD_SIGN_INS ?? 9_000);
const REGISTRATIONS = Number(process.env.FLOOD_REGISTRATIONS ?? 1_000);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let app: AppServer;
let client: PrismaClient;

beforeAll(async () => {
  const databaseUrl = freshSqliteUrl("storage-flood");
  client = createPrismaClient(databaseUrl);
  app = await startTestApp({ databaseUrl, outbox: `outbox-flood-${process.pid}` });
});

afterAll(async () => {
  await app?.stop();
  await client?.$disconnect();
});

async function inParallel(count: number, concurrency: number, work: (index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

// A form's hidden fields (the action's id) are the same for every visitor:
// read once, then each visitor posts as a browser without JavaScript would.
async function formOf(path: string, marker: string): Promise<[string, string][]> {
  const page = await getPage(newBrowser(app.origin, freshIp()), path);
  expect(page.status).toBe(200);
  return hiddenFields(page.html, marker);
}

const tables = (db: PrismaClient) => ({
  users: () => db.user.count(),
  challenges: () => db.signInChallenge.count(),
  accountCodes: () => db.accountCode.count(),
  rateLimits: () => db.rateLimit.count(),
  events: () => db.securityEvent.count(),
});
type Counts = Record<keyof ReturnType<typeof tables>, number>;

async function counts(): Promise<Counts> {
  const entries = await Promise.all(
    Object.entries(tables(client)).map(async ([name, count]) => [name, await count()]),
  );
  return Object.fromEntries(entries) as Counts;
}

// What after-response runs do, one batch at a time, until a run finds nothing.
async function pruneRuns(now: Date): Promise<number> {
  for (let runs = 1; ; runs++) {
    const deleted = await pruneExpired(client, now, { limit: PRUNE.batch });
    if (Object.values(deleted).every((count) => count === 0)) return runs;
  }
}

it(`keeps the tables bounded under ${SIGN_INS} failed sign-ins and ${REGISTRATIONS} unfinished registrations over HTTP once their windows pass`, async () => {
  const login = await formOf("/login", 'name="identifier"');
  const register = await formOf("/register", 'name="username"');
  // A few names over and over (most tries then stop at the name's delay,
  // before any hash, as a credential stuffer's do), and unknown ones.
  const names = Array.from({ length: 50 }, () => uniqueName("victim"));
  const statuses = new Map<number, number>();
  const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
  const started = Date.now();
  const before = await counts();

  await Promise.all([
    inParallel(SIGN_INS, 8, async (index) => {
      const identifier = index % 4 === 0 ? uniqueName("nobody") : (names[index % names.length] as string);
      const answer = await postForm(newBrowser(app.origin, freshIp()), "/login", login, {
        identifier,
        password: "not-the-password-1",
      });
      count(answer.status);
    }),
    // A registration spends most of its answer floor (250 ms) asleep.
    inParallel(REGISTRATIONS, 16, async () => {
      const username = uniqueName("flood");
      const answer = await postForm(newBrowser(app.origin, freshIp()), "/register", register, {
        username,
        email: `${username}@example.test`,
        password: "a long and uncommon passphrase 42",
      });
      count(answer.status);
    }),
  ]);
  const floodMs = Date.now() - started;
  const flooded = await counts();

  // Every answer a page or a redirect to /verify-email, never a 5xx.
  expect([...statuses.keys()].every((status) => status === 200 || status === 303)).toBe(true);
  // Each request left rows behind: per-IP rate-limit rows at least.
  expect(flooded.rateLimits - before.rateLimits).toBeGreaterThanOrEqual(SIGN_INS + REGISTRATIONS);
  expect(flooded.users - before.users).toBe(REGISTRATIONS);

  // While the windows last, nothing that still counts goes.
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
    ...Object.keys(before).map((name) => flooded[name as keyof Counts] - before[name as keyof Counts]),
  );
  expect(runs).toBeLessThanOrEqual(Math.ceil(largest / PRUNE.batch) + 2);

  // The events (failed sign-ins without an account) stay for their retention.
  expect(dayAfter.events).toBeGreaterThan(before.events);
  await pruneRuns(new Date(started + 91 * DAY));
  expect((await counts()).events).toBeLessThanOrEqual(before.events);
  expect(app.output()).not.toMatch(/\[after\] background task failed|Error:/);

  console.info(
    `[flood] ${SIGN_INS} sign-ins and ${REGISTRATIONS} registrations over HTTP in ${floodMs} ms ` +
      `(answers ${JSON.stringify(Object.fromEntries(statuses))}); rows before ${JSON.stringify(before)}, ` +
      `flooded ${JSON.stringify(flooded)}, a day after ${JSON.stringify(dayAfter)}; ${runs} prune runs; ` +
      `the whole test ${Date.now() - started} ms`,
  );
});
