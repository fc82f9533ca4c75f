/** @jest-environment node */
import { randomUUID } from "node:crypto";
import { createAccount } from "@/__tests__/kit/account-codes";
import { db } from "@/lib/server/platform/db";
import { schedulePrune } from "@/lib/server/platform/prune";
import { PRUNE } from "@/lib/server/policy";

// Next.js's after() as a request gives it: the tasks queued here run when
// the test says the response was sent.
const queued: (() => Promise<unknown>)[] = [];
jest.mock("next/server", () => ({
  ...jest.requireActual("next/server"),
  after: (task: () => Promise<unknown>) => queued.push(task),
}));

describe("schedulePrune", () => {
  it("queues one prune after the response at most once a minute per instance", async () => {
    const start = Date.now();
    expect(schedulePrune(start)).toBe(true);
    expect(schedulePrune(start + 1)).toBe(false);
    expect(schedulePrune(start + PRUNE.everyMs - 1)).toBe(false);
    expect(queued).toHaveLength(1);
    expect(schedulePrune(start + PRUNE.everyMs)).toBe(true);
    expect(queued).toHaveLength(2);
  });

  it("prunes when the queued task runs, not before", async () => {
    const user = await createAccount();
    const expired = await db.signInChallenge.create({
      data: {
        tokenHash: randomUUID(),
        userId: user.id,
        purpose: "signin",
        expiresAt: new Date(Date.now() - 1000),
      },
    });
    queued.length = 0;
    expect(schedulePrune(Date.now() + 10 * PRUNE.everyMs)).toBe(true);
    expect(await db.signInChallenge.findUnique({ where: { id: expired.id } })).not.toBeNull();
    await queued[0]();
    expect(await db.signInChallenge.findUnique({ where: { id: expired.id } })).toBeNull();
  });
});
