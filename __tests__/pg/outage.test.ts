/** @jest-environment node */
import { GET as me } from "@/app/api/me/route";
import { createPrismaClient, isDatabaseUnavailable } from "@/lib/server/platform/db";
import { startRelay, viaRelay, type Relay } from "../kit/tcp-relay";

// Runs only under `npm run test:pg`: the app reaches PostgreSQL through a TCP
// relay (__tests__/kit/tcp-relay.ts) that the test cuts and restores.
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

  // The API's per-IP limit is a row the request writes before its work: it
  // tells which requests reached the database.
  const ip = "192.0.2.200";
  const meRequest = () =>
    me(
      new Request("http://localhost:3000/api/me", {
        headers: { authorization: "Bearer x.y.z", "x-forwarded-for": ip },
      }),
    );
  const triesCounted = async () =>
    (await client.rateLimit.findUnique({ where: { key: `api:me:ip:${ip}` } }))?.count ?? 0;

  it("answers 503 while the database is unreachable and recovers without a restart", async () => {
    // Through the relay, the app answers as usual and counts the try.
    const before = await meRequest();
    expect(before.status).toBe(401);
    expect(await triesCounted()).toBe(1);

    const port = relay.port;
    await relay.cut();
    const started = Date.now();
    const error = await client.user.count().catch((caught: unknown) => caught);
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);

    const response = await meRequest();
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect(await response.json()).toMatchObject({ error: "unavailable" });

    // The same client, once the relay is back: the app answers as before the
    // cut, and the refused request had written nothing.
    relay = await startRelay(target, port);
    const after = await meRequest();
    expect(after.status).toBe(401);
    expect(after.headers.get("www-authenticate")).toMatch(/^Bearer /);
    expect(await triesCounted()).toBe(2);
  }, 30_000);
});
