/** @jest-environment node */
import type { NextRequest } from "next/server";
import { completeSessionClaims, mintSession, SESSION_COOKIE } from "@/__tests__/kit/attacker";
import { Browser } from "@/__tests__/kit/browsers";
import { freshIp } from "@/__tests__/kit/names";
import { createEnrolledUser } from "@/__tests__/kit/users";
import { db } from "@/lib/server/platform/db";
import { directSqlite } from "@/lib/server/platform/sqlite-direct";
import { RETRY_AFTER_SECONDS } from "@/lib/server/platform/unavailable";
import { checkedSessionEndpoint } from "@/lib/server/sign-in/session-endpoint";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);

// Stands in for next-auth's handler: says that it was reached.
const handler = jest.fn(async () => new Response("next-auth", { status: 200 }));
const checked = checkedSessionEndpoint(handler);

const call = (browser: Browser, path = "/api/auth/session") =>
  browser.run(() => checked(new Request(`http://localhost:3000${path}`) as unknown as NextRequest));

async function signedIn(sessionVersion = 0): Promise<{ browser: Browser; userId: string }> {
  const user = await createEnrolledUser();
  const browser = new Browser(freshIp());
  browser.cookies.set(SESSION_COOKIE, await mintSession(await completeSessionClaims(user, sessionVersion)));
  return { browser, userId: user.id };
}

beforeEach(() => handler.mockClear());

// The session check's read: on SQLite a statement of the hot path, on PostgreSQL Prisma's.
async function spyOnSessionRead(): Promise<jest.SpyInstance> {
  await db.$connect();
  const hotPath = directSqlite();
  return hotPath ? jest.spyOn(hotPath, "read") : jest.spyOn(db.user, "findUnique");
}

describe("checkedSessionEndpoint", () => {
  it("passes a live session through to next-auth", async () => {
    const { browser } = await signedIn();
    const response = await call(browser);
    expect(await response.text()).toBe("next-auth");
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it("passes other next-auth routes and requests without a session cookie through unchecked", async () => {
    const findUnique = await spyOnSessionRead();
    try {
      const { browser } = await signedIn(7);
      expect(await (await call(browser, "/api/auth/csrf")).text()).toBe("next-auth");
      expect(await (await call(new Browser(freshIp()))).text()).toBe("next-auth");
      expect(handler).toHaveBeenCalledTimes(2);
      expect(findUnique).not.toHaveBeenCalled();
    } finally {
      findUnique.mockRestore();
    }
  });

  it("answers a session the server no longer accepts as signed out, and clears its cookie", async () => {
    const { browser } = await signedIn(7);
    const response = await call(browser);
    expect(handler).not.toHaveBeenCalled();
    expect(await response.json()).toBeNull();
    expect(response.headers.get("cache-control")).toBe("no-store");
    const [line, ...more] = response.headers.getSetCookie();
    expect(more).toEqual([]);
    expect(line).toMatch(new RegExp(`^${SESSION_COOKIE}=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT;`));
    expect(line).toMatch(/HttpOnly/);
    expect(line).toMatch(/SameSite=lax/i);
  });

  // Prisma's own error for an unreachable server; SQLite in jest cannot go away.
  it("answers 503 with Retry-After, not a 500, while the database is unreachable", async () => {
    const { browser } = await signedIn();
    const error = Object.assign(new Error("Can't reach database server"), { code: "P1001" });
    const findUnique = (await spyOnSessionRead()).mockRejectedValueOnce(error);
    const log = jest.spyOn(console, "error").mockImplementation(() => {});
    try {
      const response = await call(browser);
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe(String(RETRY_AFTER_SECONDS));
      expect(handler).not.toHaveBeenCalled();
      expect(log.mock.calls).toEqual([["[db] unavailable while checking a session"]]);
    } finally {
      findUnique.mockRestore();
      log.mockRestore();
    }
  });
});
