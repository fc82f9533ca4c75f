import type { NextAuthConfig } from "next-auth";

// Edge-safe part of the next-auth configuration: no providers, no database.
// middleware.ts builds on this; auth.ts adds the Node-only pieces.
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

export const authConfig = {
  pages: { signIn: "/login" },
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  // The app runs behind a proxy (README) that sets the Host header.
  trustHost: true,
  providers: [],
  logger: {
    // next-auth logs a stack for every failed sign-in; keep the error name
    // only, so that no credential can reach the logs.
    error: (error: Error) => console.error(`[auth] ${error.name}`),
    warn: () => {},
    debug: () => {},
  },
} satisfies NextAuthConfig;
