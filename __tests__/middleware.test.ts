/** @jest-environment node */
import { encode } from "next-auth/jwt";
import { NextRequest } from "next/server";
import { SESSION_RENEW_AFTER_SECONDS, sessionCookieName } from "@/lib/auth/session-cookie";
import middleware from "@/middleware";

const COOKIE = sessionCookieName(false);
const claims = { sub: "user-1", sv: 0, mfa: true, sid: "session-1", at: Math.floor(Date.now() / 1000) };

const session = (): Promise<string> =>
  encode({ token: claims, secret: process.env.AUTH_SECRET as string, salt: COOKIE, maxAge: 12 * 60 * 60 });

async function visit(path: string, cookie: string): Promise<Response> {
  const request = new NextRequest(`http://localhost:3000${path}`, {
    headers: { host: "localhost:3000", "x-forwarded-proto": "http", cookie: `${COOKIE}=${cookie}` },
  });
  return middleware(request);
}

const setSessionCookie = (response: Response): string | undefined =>
  response.headers.getSetCookie().find((line) => line.startsWith(`${COOKIE}=`));

afterEach(() => jest.useRealTimers());

describe("middleware and the session cookie", () => {
  it("lets a valid session through without issuing the cookie again", async () => {
    const response = await visit("/dashboard", await session());
    expect(response.headers.get("x-middleware-next")).toBe("1");
    expect(setSessionCookie(response)).toBeUndefined();
  });

  it("renews a cookie older than the renewal age, with the same claims", async () => {
    jest.useFakeTimers({ now: Date.now() - (SESSION_RENEW_AFTER_SECONDS + 60) * 1000 });
    const old = await session();
    jest.useRealTimers();
    const response = await visit("/dashboard", old);
    expect(response.headers.get("x-middleware-next")).toBe("1");
    const renewed = setSessionCookie(response);
    expect(renewed).toMatch(/HttpOnly/i);
    expect(renewed).toMatch(/SameSite=lax/i);
    expect(renewed?.split(";")[0]).not.toBe(`${COOKIE}=${old}`);
  });

  it("sends a broken cookie's holder to sign in, and removes the cookie", async () => {
    const response = await visit("/dashboard", `${(await session()).slice(0, -6)}AAAAAA`);
    expect(response.status).toBe(307);
    expect(response.headers.get("location")).toBe("http://localhost:3000/login?callbackUrl=%2Fdashboard");
    expect(setSessionCookie(response)).toMatch(/Expires=Thu, 01 Jan 1970/);
  });
});
