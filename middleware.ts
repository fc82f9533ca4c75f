import { NextRequest, NextResponse } from "next/server";
import { contentSecurityPolicy } from "@/lib/auth/csp";
import { bodySizeStatus, isMalformedActionCall, MAX_FORM_BODY_BYTES } from "@/lib/auth/form-posts";
import {
  appOrigin,
  hasJunkCallbackParam,
  isCrossSiteWrite,
  isMalformedFormPost,
  withoutJunkCallbackCookie,
} from "@/lib/auth/request-guards";
import { isProtectedPath } from "@/lib/auth/routes";
import { isCompleteSession, sessionFromToken, type SessionClaims } from "@/lib/auth/session-claims";
import {
  decodeSessionCookie,
  renewedSessionCookie,
  sessionCookieName,
  sessionCookieOptions,
} from "@/lib/auth/session-cookie";

// Runs on the edge runtime: imports only edge-safe modules (no Prisma, no
// jsonwebtoken). Pages and actions check the session again on the server.
// The session cookie is read here once, renewed only when it is due, and
// removed when it cannot be read (lib/auth/session-cookie.ts).
async function guard(request: NextRequest): Promise<NextResponse> {
  const cookieName = sessionCookieName();
  const cookie = request.cookies.get(cookieName)?.value;
  const secret = process.env.AUTH_SECRET;
  const token = await decodeSessionCookie(cookie, { secret });
  const response = respond(request, token ? sessionFromToken(token) : null);
  if (cookie && !token) {
    response.cookies.set(cookieName, "", { ...sessionCookieOptions(), expires: new Date(0) });
  } else if (token && secret) {
    const renewed = await renewedSessionCookie(token, { secret });
    if (renewed) response.cookies.set(cookieName, renewed, sessionCookieOptions());
  }
  return response;
}

function respond(request: NextRequest, session: SessionClaims | null): NextResponse {
  const { pathname, search } = request.nextUrl;
  if (isProtectedPath(pathname) && !isCompleteSession(session)) {
    const login = new URL("/login", request.nextUrl.origin);
    login.searchParams.set("callbackUrl", `${pathname}${search}`);
    return NextResponse.redirect(login);
  }

  const nonce = btoa(crypto.randomUUID());
  const csp = contentSecurityPolicy(nonce, process.env.NODE_ENV === "development");
  // Next.js takes the nonce for its scripts from this request header.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("Content-Security-Policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  return response;
}

// A post to a page is a server action; what Next.js would answer with a 500
// is refused here as bad input. The size comes first, before any body is read.
async function refusePagePost(request: NextRequest): Promise<NextResponse | null> {
  const size = await bodySizeStatus(request);
  if (size === 413) {
    return new NextResponse(`The form is too large (at most ${MAX_FORM_BODY_BYTES / 1024 / 1024} MB).`, {
      status: 413,
    });
  }
  if (size === 400) return new NextResponse("Bad request.", { status: 400 });
  const malformed = request.headers.has("next-action")
    ? await isMalformedActionCall(request)
    : await isMalformedFormPost(request);
  return malformed ? new NextResponse("Bad request: the form could not be read.", { status: 400 }) : null;
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
  const refusal =
    request.method === "POST" &&
    !request.nextUrl.pathname.startsWith("/api/") &&
    (await refusePagePost(request));
  if (refusal) return refusal;
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
