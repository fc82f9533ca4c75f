/** @jest-environment node */
import net from "node:net";
import { GET as me } from "@/app/api/me/route";
import { createPrismaClient, isDatabaseUnavailable } from "@/lib/server/db";

// Runs only under `npm run test:pg`: the app reaches PostgreSQL through a TCP
// relay that the test cuts and restores, as a network outage would.
function startRelay(target: URL, port = 0) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  return new Promise<{ port: number; cut: () => Promise<void> }>((resolve) =>
    server.listen(port, "127.0.0.1", () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        cut: () =>
          new Promise((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      }),
    ),
  );
}

describe("a PostgreSQL outage", () => {
  const target = new URL(process.env.DATABASE_URL as string);
  let relay: Awaited<ReturnType<typeof startRelay>>;
  let client: ReturnType<typeof createPrismaClient>;

  beforeAll(async () => {
    relay = await startRelay(target);
    const viaRelay = new URL(target);
    viaRelay.host = `127.0.0.1:${relay.port}`;
    client = createPrismaClient(viaRelay.toString());
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
