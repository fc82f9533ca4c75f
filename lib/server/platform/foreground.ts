import "server-only";
import { subscribe } from "node:diagnostics_channel";
import type { IncomingMessage, ServerResponse } from "node:http";
import { setImmediate as nextTurn } from "node:timers/promises";

// Page views (GET and HEAD requests) are the foreground: a person is looking
// at a blank tab until the answer is written. Node's own HTTP server reports
// every request it starts on this channel (Node 20), so this process learns
// of a page view before Next.js has run any of it, whatever the route.
const REQUEST_START = "http.server.request.start";
const READS = new Set(["GET", "HEAD"]);

let inFlight = 0;
let lastSeenAt = -Infinity;
let idleWaiters: (() => void)[] = [];
let watching = false;

function settle(): void {
  inFlight -= 1;
  lastSeenAt = performance.now();
  if (inFlight > 0) return;
  const waiters = idleWaiters;
  idleWaiters = [];
  for (const wake of waiters) wake();
}

function watch(): void {
  if (watching) return;
  watching = true;
  subscribe(REQUEST_START, (message) => {
    const { request, response } = message as { request: IncomingMessage; response: ServerResponse };
    if (!READS.has(request.method ?? "")) return;
    inFlight += 1;
    lastSeenAt = performance.now();
    // "close" follows the last byte written, and an aborted request too.
    response.once("close", settle);
  });
}

// Starts counting page views now (the first caller's import is soon enough:
// what matters is the views that overlap later background work).
export function watchForeground(): void {
  watch();
}

export function foregroundInFlight(): number {
  return inFlight;
}

// Whether a page view was in flight within the last `withinMs`.
export function foregroundActive(withinMs: number): boolean {
  watch();
  return inFlight > 0 || performance.now() - lastSeenAt < withinMs;
}

// The loop polls its sockets once more before this resolves: a setImmediate
// made during the poll phase runs in that same turn's check phase, one made
// then runs only after the next poll. So a page view whose request arrived
// during the work just done is counted before anything is decided.
async function afterNextPoll(): Promise<void> {
  await nextTurn();
  await nextTurn();
}

// Resolves once no page view is in flight, or after `maxWaitMs` however busy
// the pages are, so that background work is delayed but never starved.
export async function foregroundIdle(maxWaitMs: number): Promise<void> {
  watch();
  await afterNextPoll();
  if (inFlight === 0) return;
  return new Promise((resolve) => {
    const timer = setTimeout(wake, maxWaitMs);
    function wake(): void {
      clearTimeout(timer);
      idleWaiters = idleWaiters.filter((waiter) => waiter !== wake);
      resolve();
    }
    idleWaiters.push(wake);
  });
}
