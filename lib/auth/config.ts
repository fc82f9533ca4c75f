import type { NextAuthConfig } from "next-auth";
import { SECURE_COOKIES } from "./cookie-attributes";
import { safeCallbackPath } from "./routes";
import { SESSION_MAX_AGE_SECONDS, sessionFromToken, signInClaims } from "./session-claims";

// Edge-safe part of the next-auth configuration: no providers, no database.
// middleware.ts builds on this; auth.ts adds the Node-only pieces. What the
// claims are and when a session counts: ./session-claims.ts.
export const authConfig = {
  pages: { signIn: "/login" },
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  // Secure and __Secure- prefixed over https, as every cookie of the app
  // (./cookie-attributes.ts).
  useSecureCookies: SECURE_COOKIES,
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
      // auth.ts's authorize() returns a user only after the second factor.
      if (user && trigger !== "update") Object.assign(token, signInClaims(user));
      return token;
    },
    session({ session, token }) {
      const claims = sessionFromToken(token);
      if (!claims) return session;
      const { user, ...rest } = claims;
      return Object.assign(session, rest, { user: { ...session.user, id: user.id } });
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
