import "server-only";
import type { PrismaClient } from "@prisma/client";
import { db } from "./db";

// DESIGN.md §3: what a load balancer probes. The database answers a trivial
// query within HEALTH_TIMEOUT_MS, or the instance is reported unavailable.
export const HEALTH_TIMEOUT_MS = 1000;
export const HEALTH_RETRY_AFTER_SECONDS = 5;

export async function databaseAnswers(
  client: Pick<PrismaClient, "$queryRaw"> = db,
  timeoutMs = HEALTH_TIMEOUT_MS,
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const query = client.$queryRaw`SELECT 1`.then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([query, late]);
  } finally {
    clearTimeout(timer);
  }
}

// No session, no rate limit, no log line: a probe every few seconds from
// every load balancer must cost nothing but the query.
export function healthResponse(answers: boolean): Response {
  const headers = { "Cache-Control": "no-store" };
  return answers
    ? Response.json({ status: "ok" }, { headers })
    : Response.json(
        { status: "unavailable" },
        { status: 503, headers: { ...headers, "Retry-After": String(HEALTH_RETRY_AFTER_SECONDS) } },
      );
}
