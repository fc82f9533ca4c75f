import type { NextAuthConfig } from "next-auth";
import { appOrigin } from "./request-guards";
import { safeCallbackPath } from "./routes";

// Edge-safe part of the next-auth configuration: no providers, no database.
// middleware.ts builds on this; auth.ts adds the Node-only pieces.
// A session ends after this long without use, and at the latest this long
// after its sign-in (the cookie is renewed on use, the sign-in time is not).
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

declare module "next-auth" {
  interface Session {
    // The user's session version when the session was issued; the server
    // compares it with the database, so "sign out everywhere" ends it.
    sessionVersion: number;
    // Set only when both factors were checked.
    twoFactorComplete: boolean;
    // Names this session, so that "Sign out" can end it on the server.
    sessionId: string;
    // Sign-in time, seconds since the epoch.
    authenticatedAt: number;
  }
  interface User {
    sessionVersion?: number;
  }
}

declare module "@auth/core/jwt" {
  interface JWT {
    sv?: number;
    mfa?: boolean;
    sid?: string;
    at?: number;
  }
}

export const authConfig = {
  pages: { signIn: "/login" },
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  // SECURITY.md, ASVS 3.3.1: Secure, __Secure-/__Host- prefixed cookies
  // whenever the app is served over https (APP_URL), as the challenge cookie
  // is; next-auth would otherwise go by X-Forwarded-Proto, which not every
  // proxy sets.
  useSecureCookies: appOrigin().startsWith("https://"),
  // The app runs behind a proxy (README) that sets the Host header.
  trustHost: true,
  providers: [],
  callbacks: {
    // Every redirect next-auth makes (sign-in, sign-out, its own pages) goes
    // through the app's one check, against APP_URL; baseUrl (from the Host
    // header) only names the host the browser already used.
    redirect({ url, baseUrl }) {
      const path = url.startsWith(`${baseUrl}/`) ? url.slice(baseUrl.length) : url;
      return `${baseUrl}${safeCallbackPath(path, "/")}`;
    },
    // Never acts on an update (trigger "update"), whose data a browser can
    // send: auth.ts's jwt callback handles those.
    jwt({ token, user, trigger }) {
      if (user && trigger !== "update") {
        // auth.ts's authorize() returns a user only after the second factor.
        token.sub = user.id;
        token.sv = user.sessionVersion ?? 0;
        token.mfa = true;
        token.sid = crypto.randomUUID();
        token.at = Math.floor(Date.now() / 1000);
      }
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      session.sessionVersion = token.sv ?? -1;
      session.twoFactorComplete = token.mfa === true;
      session.sessionId = token.sid ?? "";
      session.authenticatedAt = token.at ?? 0;
      return session;
    },
  },
  logger: {
    // next-auth logs a stack for every failed sign-in; keep the error's type
    // only, so that no credential can reach the logs. Its name is minified in
    // a build ("rW"); the type ("JWTSessionError") is not.
    error: (error: Error & { type?: string }) => console.error(`[auth] ${error.type ?? error.name}`),
    warn: () => {},
    debug: () => {},
  },
} satisfies NextAuthConfig;

type SessionClaims = {
  twoFactorComplete?: boolean;
  user?: unknown;
  sessionId?: string;
  authenticatedAt?: number;
};

export function isCompleteSession(session: SessionClaims | null, now = Date.now()): boolean {
  if (!session?.user || session.twoFactorComplete !== true || !session.sessionId) return false;
  const age = now / 1000 - (session.authenticatedAt ?? 0);
  // A minute of clock difference between instances is tolerated.
  return age > -60 && age < SESSION_MAX_AGE_SECONDS;
}
