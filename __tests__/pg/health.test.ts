/** @jest-environment node */
import net from "node:net";
import { createPrismaClient } from "@/lib/server/platform/db";
import { databaseAnswers } from "@/lib/server/platform/health";

// A TCP server that accepts connections and never says a word: a database
// host that hangs, as a load balancer must learn of within the timeout.
async function silentServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe("databaseAnswers on PostgreSQL", () => {
  it("is false within the timeout when the database host accepts and never answers", async () => {
    const silent = await silentServer();
    const hanging = createPrismaClient(`postgresql://postgres@127.0.0.1:${silent.port}/health`);
    try {
      const started = Date.now();
      expect(await databaseAnswers(hanging, 300)).toBe(false);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await silent.close();
      await hanging.$disconnect().catch(() => undefined);
    }
  });

  it("is false when nothing listens where the database should be", async () => {
    const silent = await silentServer();
    const { port } = silent;
    await silent.close();
    const refused = createPrismaClient(`postgresql://postgres@127.0.0.1:${port}/health`);
    try {
      expect(await databaseAnswers(refused)).toBe(false);
    } finally {
      await refused.$disconnect().catch(() => undefined);
    }
  });
});
