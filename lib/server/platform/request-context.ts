import "server-only";
import { headers } from "next/headers";
import { env } from "./env";

export type RequestContext = { ip: string; userAgent: string };

const UNKNOWN_IP = "unknown";

// README.md "Security rules": the client IP is the X-Forwarded-For entry
// TRUSTED_PROXY_HOPS places from the right, as written by the proxies in
// front; the leftmost entries are whatever the client sent, and are never
// trusted.
export function clientIpFromForwardedFor(forwardedFor: string | null, trustedHops: number): string {
  if (!forwardedFor || trustedHops < 1) return UNKNOWN_IP;
  const entries = forwardedFor
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  const entry = entries[Math.max(entries.length - trustedHops, 0)];
  return entry && /^[0-9a-fA-F:.]{2,45}$/.test(entry) ? entry : UNKNOWN_IP;
}

export async function getRequestContext(): Promise<RequestContext> {
  const list = await headers();
  return {
    ip: clientIpFromForwardedFor(list.get("x-forwarded-for"), env.TRUSTED_PROXY_HOPS),
    userAgent: (list.get("user-agent") ?? "").slice(0, 256),
  };
}
