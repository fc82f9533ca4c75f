import { encode } from "next-auth/jwt";
import { NextRequest, type NextFetchEvent } from "next/server";
import { loginAction } from "@/app/login/actions";
import { verifyAction } from "@/app/login/verify/actions";
import { form, runAction } from "@/__tests__/kit/request-scope";
import { currentCode, type TestUser } from "@/__tests__/kit/users";
import type { Browser } from "@/__tests__/kit/browsers";
import { authConfig } from "@/lib/auth/config";
import { sessionCookieName } from "@/lib/auth/session-cookie";
import middleware from "@/middleware";
import { recordSession } from "@/lib/server/sign-in/sessions";
import { freshIp } from "@/__tests__/kit/names";

// Over http (APP_URL in tests) next-auth names its cookie without a prefix;
// the name is also the salt of the session JWE's key derivation.
export const SESSION_COOKIE = sessionCookieName(false);
export const CHALLENGE_COOKIE = "2fa-challenge";
export const PROTECTED_PAGES = ["/dashboard", "/settings/security", "/token"] as const;

export const base64url = (value: object | string): string =>
  Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");

// A session JWE as next-auth makes it (dir + A256CBC-HS512 under a key
// derived from the secret and the cookie name), with the claims given.
export function mintSession(
  claims: Record<string, unknown>,
  options: { secret?: string; maxAge?: number } = {},
): Promise<string> {
  return encode({
    token: claims,
    secret: options.secret ?? (process.env.AUTH_SECRET as string),
    salt: SESSION_COOKIE,
    maxAge: options.maxAge ?? 60 * 60,
  });
}

// The claims the app itself puts in a session after both factors (its jwt
// callback), for a session row recorded as authorize() records one, so that
// a minted token differs from a real one only where a test says so.
export async function completeSessionClaims(
  user: { id: string; username: string; email: string },
  sessionVersion = 0,
): Promise<Record<string, unknown>> {
  const { sessionId } = await recordSession(user.id, { ip: freshIp(), userAgent: "jest-attacker" });
  const jwtCallback = authConfig.callbacks.jwt as unknown as (params: {
    token: Record<string, unknown>;
    user: { id: string; sessionVersion: number; sessionId: string };
  }) => Promise<Record<string, unknown>> | Record<string, unknown>;
  return jwtCallback({
    token: { name: user.username, email: user.email, sub: user.id },
    user: { id: user.id, sessionVersion, sessionId },
  });
}

export type MiddlewareVerdict = { passed: boolean; status: number; location: string | null };

// Runs middleware.ts on a request for `path` carrying `cookie` (a whole
// Cookie header), the way Next.js calls it on the edge.
export async function throughMiddleware(path: string, cookie?: string): Promise<MiddlewareVerdict> {
  const request = new NextRequest(`http://localhost:3000${path}`, {
    headers: { host: "localhost:3000", "x-forwarded-proto": "http", ...(cookie ? { cookie } : {}) },
  });
  const run = middleware as unknown as (request: NextRequest, event: NextFetchEvent) => Promise<Response>;
  const response = await run(request, {} as NextFetchEvent);
  return {
    passed: response.headers.get("x-middleware-next") === "1",
    status: response.status,
    location: response.headers.get("location"),
  };
}

// The real sign-in through both steps; leaves the session cookie in `browser`.
export async function signInFully(browser: Browser, user: TestUser): Promise<string> {
  await passPasswordStep(browser, user);
  const code = await currentCode(user.secret);
  const done = await browser.run(() => runAction(() => verifyAction({}, form({ method: "totp", code }))));
  if (done.redirectedTo !== "/dashboard")
    throw new Error(`sign-in did not complete: ${JSON.stringify(done)}`);
  const session = browser.cookies.get(SESSION_COOKIE);
  if (!session) throw new Error("no session cookie after sign-in");
  return session;
}

// The password step only: leaves the pending sign-in's challenge cookie.
export async function passPasswordStep(browser: Browser, user: TestUser): Promise<void> {
  const { redirectedTo } = await browser.run(() =>
    runAction(() => loginAction({}, form({ identifier: user.username, password: user.password }))),
  );
  if (!redirectedTo?.startsWith("/login/verify")) throw new Error(`password step failed: ${redirectedTo}`);
}

// A fresh address per request, so no per-IP limit answers in place of the
// check under test.
export { freshIp };

export function apiRequest(path: string, init: RequestInit = {}): Request {
  const headers = new Headers(init.headers);
  headers.set("x-forwarded-for", freshIp());
  return new Request(`http://localhost:3000${path}`, { ...init, headers });
}

// next-auth reports every refused cookie and credential as "[auth] <name>"
// (lib/auth/config.ts); attack tests provoke hundreds. Other output stays.
export function quietAuthErrors(): void {
  beforeEach(() => {
    const original = console.error.bind(console);
    jest.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
      if (typeof args[0] === "string" && args[0].startsWith("[auth] ")) return;
      original(...args);
    });
  });
  afterEach(() => jest.restoreAllMocks());
}
