import "server-only";
import { isDatabaseUnavailable } from "../platform/db";
import { env } from "../platform/env";
import { claimWindowTry } from "../platform/rate-limit";
import { keys, LIMITS, MESSAGES } from "../policy";
import { clientIpFromForwardedFor } from "../platform/request-context";

export function jsonError(
  status: number,
  error: string,
  description: string,
  headers?: HeadersInit,
): Response {
  return Response.json({ error, error_description: description }, { status, headers });
}

type Handler = (request: Request) => Promise<Response>;

// Every API answer is JSON: rate-limited per IP, and an unexpected failure
// is a plain 500 without details (the log gets the error's name only).
export function apiRoute(name: string, handler: Handler): Handler {
  return async (request) => {
    try {
      const ip = clientIpFromForwardedFor(request.headers.get("x-forwarded-for"), env.TRUSTED_PROXY_HOPS);
      const limit = await claimWindowTry(keys.api(name, ip), LIMITS.apiPerIp);
      if (!limit.ok) {
        return jsonError(429, "rate_limited", MESSAGES.api.retry(limit.retryAfterSeconds), {
          "Retry-After": String(limit.retryAfterSeconds),
        });
      }
      return await handler(request);
    } catch (error) {
      console.error(`[api] ${name} failed: ${error instanceof Error ? error.name : "unknown error"}`);
      if (isDatabaseUnavailable(error)) {
        return jsonError(503, "unavailable", MESSAGES.api.unavailable, {
          "Retry-After": "5",
        });
      }
      return jsonError(500, "internal_error", MESSAGES.api.internalError);
    }
  };
}

export const methodNotAllowed = (allow: string) => async (): Promise<Response> =>
  jsonError(405, "method_not_allowed", MESSAGES.api.methodNotAllowed(allow), { Allow: allow });

// Reads at most `limit` bytes of the body; null when it is longer, so that a
// huge body is never held in memory.
export async function readBodyWithLimit(request: Request, limit: number): Promise<string | null> {
  if (Number(request.headers.get("content-length") ?? "0") > limit) return null;
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
