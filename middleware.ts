import NextAuth from "next-auth";
import { NextResponse } from "next/server";
import { authConfig, isCompleteSession } from "@/lib/auth/config";
import { contentSecurityPolicy } from "@/lib/auth/csp";
import { isProtectedPath } from "@/lib/auth/routes";

// Runs on the edge runtime: imports only edge-safe modules (no Prisma, no
// jsonwebtoken). Pages and actions check the session again on the server.
const { auth } = NextAuth(authConfig);

export default auth((request) => {
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
});

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|icon.svg).*)"],
};
