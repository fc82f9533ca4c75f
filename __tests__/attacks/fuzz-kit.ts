import { Prisma } from "@prisma/client";
import fc from "fast-check";
import type { Browser } from "@/__tests__/kit/browsers";
import { freshSqliteUrl } from "@/__tests__/kit/next-server";
import { runAction } from "@/__tests__/kit/request-scope";
import { db } from "@/lib/server/platform/db";

// Shared pieces of the fuzzing suites: hostile inputs, and a check that an
// attempt wrote nothing to the database but what the app legitimately keeps
// about a refused attempt (rate-limit counters, a failed-attempt event).

// A SQLite file of the suite's own, so that every table is small enough to
// compare whole after each attempt. Call at the top of the test file, before
// anything opens the database. Returns its URL, for a server to share it.
export function openFreshDatabase(name: string): string {
  process.env.DATABASE_URL = freshSqliteUrl(name);
  return process.env.DATABASE_URL;
}

// ---- inputs ----

const hugeString = fc
  .tuple(fc.string({ minLength: 1, maxLength: 4, unit: "binary" }), fc.integer({ min: 1_000, max: 300_000 }))
  .map(([seed, length]) => seed.repeat(Math.ceil(length / seed.length)).slice(0, length));

const nasty = fc.constantFrom(
  "",
  " ",
  "\0",
  "a\0b",
  "\u202e\u200b\ufeff",
  "\ud800",
  "🙂".repeat(40),
  "' OR '1'='1' --",
  '"; DROP TABLE "User"; --',
  "<script>alert(1)</script>",
  "../../../../etc/passwd",
  "%00%0d%0aSet-Cookie: x=1",
  "__proto__",
  "constructor",
  "${7*7}{{7*7}}",
  "NaN",
  "-1",
  "1e309",
  "[object Object]",
  "null",
  "undefined",
  "true",
  "000000",
  "123456",
  " 12 34 56 ",
  "AAAA-BBBB-CCCC-DDDD",
  "a@b.c",
  "x".repeat(10_000),
);

// Any string a client could send in a form field.
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string(), weight: 3 },
  { arbitrary: fc.string({ unit: "grapheme", maxLength: 300 }), weight: 2 },
  { arbitrary: fc.string({ unit: "binary", maxLength: 300 }), weight: 2 },
  { arbitrary: fc.string().map((value) => `${value}\0${value}`), weight: 1 },
  { arbitrary: nasty, weight: 3 },
  { arbitrary: hugeString, weight: 1 },
);

// Form values: strings, or files where a string belongs.
export const formValue: fc.Arbitrary<string | Blob> = fc.oneof(
  { arbitrary: hostileString, weight: 8 },
  {
    arbitrary: fc
      .tuple(fc.uint8Array({ maxLength: 64 }), hostileString, fc.constantFrom("", "text/plain", "image/png"))
      .map(([bytes, name, type]) => new File([new Uint8Array(bytes)], name.slice(0, 100), { type })),
    weight: 1,
  },
  {
    arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => new Blob([new Uint8Array(bytes)])),
    weight: 1,
  },
);

export type FormEntries = [string, string | Blob][];

const extraFieldName = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom(
    "__proto__",
    "constructor",
    "prototype",
    "$ACTION_ID_x",
    "method",
    "callbackUrl",
    "id",
    "userId",
  ),
);

// A form with the given fields each missing, sent once or repeated (an
// "array"), with values from `values[field]` (near-valid ones) or hostile
// ones, plus extra fields the action does not expect.
export function formEntries(
  fields: string[],
  values: Record<string, fc.Arbitrary<string>> = {},
): fc.Arbitrary<FormEntries> {
  const field = (name: string): fc.Arbitrary<FormEntries> => {
    const value: fc.Arbitrary<string | Blob> = values[name]
      ? fc.oneof({ arbitrary: values[name], weight: 2 }, { arbitrary: formValue, weight: 1 })
      : formValue;
    return fc.oneof(
      { arbitrary: fc.constant<FormEntries>([]), weight: 1 },
      { arbitrary: value.map((one): FormEntries => [[name, one]]), weight: 4 },
      {
        arbitrary: fc
          .array(value, { minLength: 2, maxLength: 3 })
          .map((many): FormEntries => many.map((one) => [name, one])),
        weight: 1,
      },
    );
  };
  return fc
    .tuple(fc.tuple(...fields.map(field)), fc.array(fc.tuple(extraFieldName, formValue), { maxLength: 3 }))
    .map(([known, extra]) => [...known.flat(), ...extra]);
}

export function toFormData(entries: FormEntries): FormData {
  const data = new FormData();
  for (const [name, value] of entries) data.append(name, value);
  return data;
}

// How an entry list reads in a failure report: huge values abridged.
export function describeEntries(entries: FormEntries): string {
  return JSON.stringify(
    entries.map(([name, value]) => [
      name,
      typeof value === "string"
        ? value.length > 80
          ? `${value.slice(0, 80)}… (${value.length})`
          : value
        : "<file>",
    ]),
  );
}

// ---- the database ----

type Row = Record<string, unknown>;
export type Snapshot = Map<string, Map<string, Row>>;

const delegate = (model: string) =>
  (db as unknown as Record<string, { findMany: () => Promise<Row[]> }>)[
    model.charAt(0).toLowerCase() + model.slice(1)
  ];

// Every row of every table in the schema (a table added later is included),
// keyed by its first field, which is the primary key in every model.
export async function snapshotDatabase(): Promise<Snapshot> {
  const snapshot: Snapshot = new Map();
  for (const model of Prisma.dmmf.datamodel.models) {
    const key = model.fields[0].name;
    const rows = await delegate(model.name).findMany();
    snapshot.set(model.name, new Map(rows.map((row) => [String(row[key]), row])));
  }
  return snapshot;
}

export type Change = { model: string; kind: "added" | "removed" | "changed"; row: Row; fields: string[] };

// Dates and bytes (Passkey.publicKey) are new objects at every read.
function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.from(a).equals(Buffer.from(b));
  return a === b;
}

export function diffSnapshots(before: Snapshot, after: Snapshot): Change[] {
  const changes: Change[] = [];
  for (const [model, rowsAfter] of after) {
    const rowsBefore = before.get(model) ?? new Map<string, Row>();
    for (const [id, row] of rowsAfter) {
      const old = rowsBefore.get(id);
      if (!old) {
        changes.push({ model, kind: "added", row, fields: Object.keys(row) });
        continue;
      }
      const fields = Object.keys(row).filter((name) => !sameValue(row[name], old[name]));
      if (fields.length > 0) changes.push({ model, kind: "changed", row, fields });
    }
    for (const [id, row] of rowsBefore) {
      if (!rowsAfter.has(id)) changes.push({ model, kind: "removed", row, fields: [] });
    }
  }
  return changes;
}

// What an attempt may leave behind, by table: rows it may add, change (and
// which fields) or remove. Anything else is a write it should not make.
type Rule = {
  add?: (row: Row) => boolean;
  change?: (row: Row, fields: string[]) => boolean;
  remove?: (row: Row) => boolean;
};
export type Allowance = Partial<Record<string, Rule>>;

// Counters of the rate limits whose keys start with one of `prefixes` (a
// success removes its account's counter).
export const rateLimitCounters = (...prefixes: string[]): Allowance => {
  const ours = (row: Row) => prefixes.some((prefix) => String(row.key).startsWith(prefix));
  return { RateLimit: { add: ours, change: ours, remove: ours } };
};

export const securityEvents = (...types: string[]): Allowance => ({
  SecurityEvent: { add: (row) => types.includes(String(row.type)) },
});

export function unexpectedWrites(changes: Change[], ...allowances: Allowance[]): Change[] {
  return changes.filter((change) =>
    allowances.every((allowance) => {
      const rule = allowance[change.model];
      if (change.kind === "added") return !rule?.add?.(change.row);
      if (change.kind === "changed") return !rule?.change?.(change.row, change.fields);
      return !rule?.remove?.(change.row);
    }),
  );
}

// ---- the process ----

// Collects unhandled promise rejections while a suite runs; a fuzzed input
// must never leave one behind.
export function watchUnhandledRejections(): () => unknown[] {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => seen.push(reason);
  beforeAll(() => process.on("unhandledRejection", listener));
  afterAll(() => process.off("unhandledRejection", listener));
  return () => seen;
}

// Fast-check settings for the suites: a fixed budget per target; FUZZ_RUNS
// raises it for a longer hunt.
export const fuzzRuns = (runs: number): fc.Parameters<unknown> => ({
  numRuns: Number(process.env.FUZZ_RUNS ?? runs),
  endOnFailure: true,
});

// ---- running an action ----

export type Outcome<T> = { result?: T; redirectedTo?: string };

// Runs one fuzzed request to an action as `browser` and reports what it
// returned (or where it redirected) and what it wrote. A thrown error other
// than a redirect fails the property, with the input that caused it.
export async function attempt<T>(
  browser: Browser,
  work: () => Promise<T>,
  input: string,
): Promise<{ outcome: Outcome<T>; changes: Change[] }> {
  const before = await snapshotDatabase();
  let outcome: Outcome<T>;
  try {
    outcome = await browser.run(() => runAction(work));
  } catch (error) {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new Error(`an error escaped the action (${text}) for input ${input}`);
  }
  return { outcome, changes: diffSnapshots(before, await snapshotDatabase()) };
}

// Redirects stay on this site: a path, never another origin.
export function expectSameSiteRedirect(location: string | undefined): void {
  if (location === undefined) return;
  expect(location).toMatch(/^\/(?![/\\])/);
}

let ipCounter = 0;
// A fresh client address per attempt, so that per-IP limits do not stop the
// fuzzer short of the code under test.
export const nextIp = (): string => {
  ipCounter += 1;
  return `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
};

// Cookie values a client can send (RFC 6265 cookie-octets).
export const cookieValue: fc.Arbitrary<string> = fc.oneof(
  fc.stringMatching(/^[!#-+\--:<-[\]-~]{0,300}$/),
  fc.constantFrom("", "null", "undefined", "a".repeat(4000), "eyJhbGciOiJub25lIn0.e30."),
);
