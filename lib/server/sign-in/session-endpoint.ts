import "server-only";
import { cookies } from "next/headers";
import { NextResponse, type NextRequest } from "next/server";
import { sessionCookieName, sessionCookieOptions } from "@/lib/auth/session-cookie";
import { isDatabaseUnavailable } from "../platform/db";
import { getCurrentSession } from "./session";
import { RETRY_AFTER_SECONDS, UNAVAILABLE_MESSAGE } from "../platform/unavailable";

type Handler = (request: NextRequest) => Promise<Response>;

const SESSION_PATH = "/api/auth/session";

// next-auth's /api/auth/session reads only the cookie: a session that was
// signed out, or is older than "Sign out everywhere" or a password change,
// would still be answered (id, name, email) and its cookie re-issued with a
// fresh expiry. It answers only after the check every page makes
// (getCurrentSession); otherwise as signed out (next-auth's `null`), with
// the cookie cleared.
export function checkedSessionEndpoint(handler: Handler): Handler {
  return async (request) => {
    const cookieName = sessionCookieName();
    if (new URL(request.url).pathname !== SESSION_PATH || !(await cookies()).has(cookieName))
      return handler(request);
    let current: Awaited<ReturnType<typeof getCurrentSession>>;
    try {
      current = await getCurrentSession();
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      console.error("[db] unavailable while checking a session");
      return NextResponse.json(
        { message: UNAVAILABLE_MESSAGE },
        { status: 503, headers: { "Retry-After": String(RETRY_AFTER_SECONDS), "Cache-Control": "no-store" } },
      );
    }
    if (current) return handler(request);
    const response = NextResponse.json(null, { headers: { "Cache-Control": "no-store" } });
    response.cookies.set(cookieName, "", { ...sessionCookieOptions(), expires: new Date(0) });
    return response;
  };
}
