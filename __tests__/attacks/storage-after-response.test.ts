/** @jest-environment node */
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { enterPassword, newBrowser } from "@/__tests__/kit/forms";
import { freshIp, uniqueName } from "@/__tests__/kit/names";
import { freshSqliteUrl, startTestApp, type AppServer } from "@/__tests__/kit/next-server";
import { createPrismaClient } from "@/lib/server/platform/db";
import { keys } from "@/lib/server/policy";

// Under a real `next start`, the prune runs by itself: a failed sign-in over
// HTTP is answered, and after it (Next.js's after()) the expired rows go
// while the live ones stay. No cron, no CLI.
jest.setTimeout(600_000);

let app: AppServer;
let client: PrismaClient;

beforeAll(async () => {
  const databaseUrl = freshSqliteUrl("prune-after-response");
  client = createPrismaClient(databaseUrl);
  app = await startTestApp({ databaseUrl, outbox: `outbox-prune-${process.pid}` });
});

afterAll(async () => {
  await app?.stop();
  await client?.$disconnect();
});

it("deletes expired rows after a sign-in's response, and keeps the live ones", async () => {
  const username = uniqueName("p");
  const user = await client.user.create({
    data: { username, email: `${username}@example.test`, passwordHash: "x" },
  });
  const challenge = (expiresAt: Date) =>
    client.signInChallenge.create({
      data: { tokenHash: randomUUID(), userId: user.id, purpose: "signin", expiresAt },
    });
  const expired = await challenge(new Date(Date.now() - 60_000));
  const live = await challenge(new Date(Date.now() + 5 * 60_000));
  const oldKey = keys.passwordPerIp(freshIp());
  const dayAgo = new Date(Date.now() - 24 * 3_600_000);
  await client.rateLimit.create({ data: { key: oldKey, count: 20, windowStart: dayAgo, updatedAt: dayAgo } });

  const answer = await enterPassword(newBrowser(app.origin, freshIp()), username, "not-the-password-1");
  expect(answer.status).toBe(200);

  // The prune goes table by table: wait for the last of the two.
  const deadline = Date.now() + 15_000;
  const pending = async () =>
    (await client.signInChallenge.findUnique({ where: { id: expired.id } })) !== null ||
    (await client.rateLimit.findUnique({ where: { key: oldKey } })) !== null;
  while ((await pending()) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(await client.signInChallenge.findUnique({ where: { id: expired.id } })).toBeNull();
  expect(await client.rateLimit.findUnique({ where: { key: oldKey } })).toBeNull();
  expect(await client.signInChallenge.findUnique({ where: { id: live.id } })).not.toBeNull();
  expect(app.output()).not.toContain("[after] background task failed");
});
