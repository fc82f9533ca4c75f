import NextAuth from "next-auth";
import { NextRequest, NextResponse, type NextFetchEvent, type NextMiddleware } from "next/server";
import { authConfig, isCompleteSession } from "@/lib/auth/config";
import { contentSecurityPolicy } from "@/lib/auth/csp";
import {
  appOrigin,
  hasJunkCallbackParam,
  isCrossSiteWrite,
  withoutJunkCallbackCookie,
} from "@/lib/auth/request-guards";
import { isProtectedPath } from "@/lib/auth/routes";

// Runs on the edge runtime: imports only edge-safe modules (no Prisma, no
// jsonwebtoken). Pages and actions check the session again on the server.
const { auth } = NextAuth(authConfig);

// next-auth types its wrapper for route handlers; as middleware it takes the
// request and the fetch event, as Next.js passes them.
const guard = auth((request) => {
  const { pathname, search } = request.nextUrl;
  if (isProtectedPath(pathname) && !isCompleteSession(request.auth)) {
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
}) as unknown as NextMiddleware;

export default function middleware(request: NextRequest, event: NextFetchEvent) {
  // A development server is also reached as 127.0.0.1 or by its LAN address.
  const origins =
    process.env.NODE_ENV === "development" ? [appOrigin(), request.nextUrl.origin] : [appOrigin()];
  // Refused here with a 403: Next.js's own check answers a 500, and trusts
  // X-Forwarded-Host.
  if (isCrossSiteWrite(request, origins)) {
    return new NextResponse("Cross-site request refused.", { status: 403 });
  }
  if (hasJunkCallbackParam(request.nextUrl)) return new NextResponse("Bad request.", { status: 400 });
  const cookie = withoutJunkCallbackCookie(request.headers.get("cookie"));
  if (cookie === null) return guard(request, event);
  const headers = new Headers(request.headers);
  if (cookie) headers.set("cookie", cookie);
  else headers.delete("cookie");
  return guard(new NextRequest(request.url, { method: request.method, headers }), event);
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|icon.svg).*)"],
};
