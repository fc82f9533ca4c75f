import net from "node:net";

export type Relay = { port: number; cut: () => Promise<void> };

// A TCP relay in front of PostgreSQL that a test cuts (every connection
// dropped, new ones refused) and starts again on the same port, as a network
// outage and its end would look to the app.
export function startRelay(target: URL, port = 0): Promise<Relay> {
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
  return new Promise((resolve) =>
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

// `url` with its host replaced by the relay's.
export function viaRelay(url: URL, relay: Relay): string {
  const relayed = new URL(url);
  relayed.host = `127.0.0.1:${relay.port}`;
  return relayed.toString();
}
