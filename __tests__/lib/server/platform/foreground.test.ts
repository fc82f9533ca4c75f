/** @jest-environment node */
import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  foregroundActive,
  foregroundIdle,
  foregroundInFlight,
  watchForeground,
} from "@/lib/server/platform/foreground";

// A real HTTP server in this process: each request waits in `held` until the test answers it.
let server: http.Server;
let port: number;
const held: http.ServerResponse[] = [];
let arrived: (() => void) | undefined;

beforeAll(async () => {
  watchForeground();
  server = http.createServer((request, response) => {
    request.resume();
    held.push(response);
    arrived?.();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

// Sends a request and resolves once the server holds it; `answered` when its body has come back.
async function hold(method: string) {
  const reached = new Promise<void>((resolve) => (arrived = resolve));
  let client!: http.ClientRequest;
  const answered = new Promise<string>((resolve, reject) => {
    client = http.request({ host: "127.0.0.1", port, method, path: "/", agent: false }, (response) => {
      let body = "";
      response.on("data", (chunk) => (body += chunk));
      response.on("end", () => resolve(body));
    });
    client.on("error", reject);
    client.end(method === "POST" ? "a=1" : undefined);
  });
  await reached;
  return { response: held.shift()!, answered, client };
}

function watchSettled(promise: Promise<unknown>) {
  const state = { settled: false };
  void promise.then(() => (state.settled = true));
  return state;
}

const turns = async (count = 5) => {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe("the foreground (page views in flight)", () => {
  it("is idle at once while no page view is in flight", async () => {
    expect(foregroundInFlight()).toBe(0);
    await expect(foregroundIdle(60_000)).resolves.toBeUndefined();
  });

  it("counts a page view from its start until its answer is written, then lets the waiters go", async () => {
    const view = await hold("GET");
    expect(foregroundInFlight()).toBe(1);
    expect(foregroundActive(0)).toBe(true);
    const idle = watchSettled(foregroundIdle(60_000));
    await turns();
    expect(idle.settled).toBe(false);
    view.response.end("page");
    await expect(view.answered).resolves.toBe("page");
    await turns();
    expect(idle.settled).toBe(true);
    expect(foregroundInFlight()).toBe(0);
  });

  it("waits for every page view in flight, not only the first to end", async () => {
    const first = await hold("GET");
    const second = await hold("HEAD");
    expect(foregroundInFlight()).toBe(2);
    const idle = watchSettled(foregroundIdle(60_000));
    first.response.end("one");
    await first.answered;
    await turns();
    expect(idle.settled).toBe(false);
    second.response.end();
    await second.answered;
    await turns();
    expect(idle.settled).toBe(true);
  });

  it("does not count a form post as a page view", async () => {
    const post = await hold("POST");
    expect(foregroundInFlight()).toBe(0);
    await expect(foregroundIdle(60_000)).resolves.toBeUndefined();
    post.response.end("done");
    await post.answered;
  });

  it("stops waiting after maxWaitMs however long the page view takes", async () => {
    const view = await hold("GET");
    await expect(foregroundIdle(20)).resolves.toBeUndefined();
    expect(foregroundInFlight()).toBe(1);
    view.response.end("late");
    await view.answered;
  });

  it("counts a page view whose client went away as ended", async () => {
    const view = await hold("GET");
    const closed = new Promise((resolve) => view.response.once("close", resolve));
    view.client.on("error", () => undefined);
    view.answered.catch(() => undefined);
    view.client.destroy();
    await closed;
    expect(foregroundInFlight()).toBe(0);
  });

  it("stays active for a while after the last page view ended", async () => {
    const view = await hold("GET");
    view.response.end("page");
    await view.answered;
    await turns();
    expect(foregroundInFlight()).toBe(0);
    expect(foregroundActive(60_000)).toBe(true);
    expect(foregroundActive(0)).toBe(false);
  });
});
