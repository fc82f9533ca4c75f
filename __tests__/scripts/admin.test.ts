/** @jest-environment node */
import fs from "node:fs";
import path from "node:path";
import type { PrismaClient } from "@prisma/client";
import { describeAdminCli, newOutbox, runCli } from "@/__tests__/kit/admin-cli";
import { createPrismaClient } from "@/lib/server/platform/db";

// `npm run admin` as a real process on a migrated SQLite file of its own
// (a copy of the run's template database).
jest.setTimeout(120_000);

let client: PrismaClient | undefined;
afterAll(async () => client?.$disconnect());

describeAdminCli("the operator CLI on SQLite", async () => {
  const runDir = process.env.JEST_RUN_DIR as string;
  const file = path.join(runDir, `admin-cli-${process.pid}.db`);
  fs.copyFileSync(path.join(runDir, "template.db"), file);
  const databaseUrl = `file:${file}`;
  client = createPrismaClient(databaseUrl);
  return { target: { databaseUrl, outbox: newOutbox() }, client };
});

// A variable set wrong rather than left out: a checkout where `npm run dev`
// ran has development secrets in .env.development.local, which fill a
// missing one (and the process's own value wins over the file's).
it("exits 1 naming what is wrong in the environment, without a stack", async () => {
  const runDir = process.env.JEST_RUN_DIR as string;
  const run = await runCli(
    {
      databaseUrl: `file:${path.join(runDir, "template.db")}`,
      outbox: newOutbox(),
      set: { TOTP_ENCRYPTION_KEY: "too-short" },
    },
    ["list"],
  );
  expect(run.code).toBe(1);
  expect(run.stderr).toContain("TOTP_ENCRYPTION_KEY must be 32 bytes");
  expect(run.stderr).not.toMatch(/\n\s+at /);
});
