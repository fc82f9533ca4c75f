/** @jest-environment node */
import { GET as me } from "@/app/api/me/route";
import { createPrismaClient, isDatabaseUnavailable } from "@/lib/server/platform/db";
import { startRelay, viaRelay, type Relay } from "../helpers/tcp-relay";

// Runs only under `npm run test:pg`: the app reaches PostgreSQL through a TCP
// relay (__tests__/helpers/tcp-relay.ts) that the test cuts and restores.
describe("a PostgreSQL outage", () => {
  const target = new URL(process.env.DATABASE_URL as string);
  let relay: Relay;
  let client: ReturnType<typeof createPrismaClient>;

  beforeAll(async () => {
    relay = await startRelay(target);
    client = createPrismaClient(viaRelay(target, relay));
    (globalThis as { prisma?: unknown }).prisma = client;
  });
  afterAll(async () => {
    (globalThis as { prisma?: unknown }).prisma = undefined;
    await client.$disconnect();
    await relay.cut();
  });

  it("answers 503 while the database is unreachable and recovers without a restart", async () => {
    expect(await client.user.count()).toBeGreaterThanOrEqual(0);

    const port = relay.port;
    await relay.cut();
    const started = Date.now();
    const error = await client.user.count().catch((caught: unknown) => caught);
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);

    const response = await me(
      new Request("http://localhost:3000/api/me", {
        headers: { authorization: "Bearer x.y.z", "x-forwarded-for": "192.0.2.200" },
      }),
    );
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect(await response.json()).toMatchObject({ error: "unavailable" });

    relay = await startRelay(target, port);
    expect(await client.user.count()).toBeGreaterThanOrEqual(0);
  }, 30_000);
});
