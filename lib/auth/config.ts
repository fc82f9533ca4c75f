import type { NextAuthConfig } from "next-auth";

// Edge-safe part of the next-auth configuration: no providers, no database.
// middleware.ts builds on this; auth.ts adds the Node-only pieces.
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

declare module "next-auth" {
  interface Session {
    // The user's session version when the session was issued; the server
    // compares it with the database, so "sign out everywhere" ends it.
    sessionVersion: number;
    // Set only when both factors were checked.
    twoFactorComplete: boolean;
  }
  interface User {
    sessionVersion?: number;
  }
}

declare module "@auth/core/jwt" {
  interface JWT {
    sv?: number;
    mfa?: boolean;
  }
}

export const authConfig = {
  pages: { signIn: "/login" },
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  // The app runs behind a proxy (README) that sets the Host header.
  trustHost: true,
  providers: [],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        // auth.ts's authorize() returns a user only after the second factor.
        token.sub = user.id;
        token.sv = user.sessionVersion ?? 0;
        token.mfa = true;
      }
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      session.sessionVersion = token.sv ?? -1;
      session.twoFactorComplete = token.mfa === true;
      return session;
    },
  },
  logger: {
    // next-auth logs a stack for every failed sign-in; keep the error name
    // only, so that no credential can reach the logs.
    error: (error: Error) => console.error(`[auth] ${error.name}`),
    warn: () => {},
    debug: () => {},
  },
} satisfies NextAuthConfig;

export function isCompleteSession(session: { twoFactorComplete?: boolean; user?: unknown } | null): boolean {
  return Boolean(session?.user && session.twoFactorComplete === true);
}
