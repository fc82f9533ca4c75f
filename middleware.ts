import { NextRequest, NextResponse } from "next/server";
import { isCompleteSession } from "@/lib/auth/config";
import { contentSecurityPolicy } from "@/lib/auth/csp";
import {
  appOrigin,
  hasJunkCallbackParam,
  isCrossSiteWrite,
  isMalformedFormPost,
  withoutJunkCallbackCookie,
} from "@/lib/auth/request-guards";
import { isProtectedPath } from "@/lib/auth/routes";
import {
  decodeSessionCookie,
  renewedSessionCookie,
  SECURE_SESSION_COOKIE,
  sessionCookieName,
  sessionCookieOptions,
  sessionFromToken,
} from "@/lib/auth/session-cookie";

// Runs on the edge runtime: imports only edge-safe modules (no Prisma, no
// jsonwebtoken). Pages and actions check the session again on the server.
// The session cookie is read here once, renewed only when it is due, and
// removed when it cannot be read (lib/auth/session-cookie.ts).
async function guard(request: NextRequest): Promise<NextResponse> {
  const cookieName = sessionCookieName(SECURE_SESSION_COOKIE);
  const cookie = request.cookies.get(cookieName)?.value;
  const secret = process.env.AUTH_SECRET;
  const token = await decodeSessionCookie(cookie, { secret, secure: SECURE_SESSION_COOKIE });
  const response = respond(request, token ? sessionFromToken(token) : null);
  if (cookie && !token) {
    response.cookies.set(cookieName, "", {
      ...sessionCookieOptions(SECURE_SESSION_COOKIE),
      expires: new Date(0),
    });
  } else if (token && secret) {
    const renewed = await renewedSessionCookie(token, { secret, secure: SECURE_SESSION_COOKIE });
    if (renewed) response.cookies.set(cookieName, renewed, sessionCookieOptions(SECURE_SESSION_COOKIE));
  }
  return response;
}

function respond(request: NextRequest, session: ReturnType<typeof sessionFromToken>): NextResponse {
  const { pathname, search } = request.nextUrl;
  if (isProtectedPath(pathname) && !isCompleteSession(session)) {
    const login = new URL("/login", request.nextUrl.origin);
    login.searchParams.set("callbackUrl", `${pathname}${search}`);
    return NextResponse.redirect(login);
  }

  const nonce = btoa(crypto.randomUUID());
  const csp = contentSecurityPolicy(nonce, process.env.NODE_ENV === "development");
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  return response;
}

export default async function middleware(request: NextRequest) {
  // A development server is also reached as 127.0.0.1 or by its LAN address.
  const origins =
    process.env.NODE_ENV === "development" ? [appOrigin(), request.nextUrl.origin] : [appOrigin()];
  // Refused here with a 403: Next.js's own check answers a 500, and trusts
  // X-Forwarded-Host.
  if (isCrossSiteWrite(request, origins)) {
    return new NextResponse("Cross-site request refused.", { status: 403 });
  }
  if (hasJunkCallbackParam(request.nextUrl)) return new NextResponse("Bad request.", { status: 400 });
  if (!request.nextUrl.pathname.startsWith("/api/") && (await isMalformedFormPost(request))) {
    return new NextResponse("Bad request: the form could not be read.", { status: 400 });
  }
  const cookie = withoutJunkCallbackCookie(request.headers.get("cookie"));
  if (cookie === null) return guard(request);
  const headers = new Headers(request.headers);
  if (cookie) headers.set("cookie", cookie);
  else headers.delete("cookie");
  return guard(new NextRequest(request.url, { method: request.method, headers }));
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|icon.svg).*)"],
};
