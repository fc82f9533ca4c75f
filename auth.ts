import "server-only";
import NextAuth from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { authConfig } from "@/lib/auth/config";
import { appOrigin } from "@/lib/auth/request-guards";
import { issueAccessToken } from "@/lib/server/tokens/access-tokens";
import { getUserById } from "@/lib/server/accounts/accounts";
import { consumeVerifiedChallenge } from "@/lib/server/sign-in/challenge";
import { getRequestContext } from "@/lib/server/platform/request-context";
import { recordSession } from "@/lib/server/sign-in/sessions";
import { applySessionUpdate } from "@/lib/server/sign-in/session-grant";

// next-auth builds its redirects (after signing in and out) on
// X-Forwarded-Host or Host unless AUTH_URL is set, and a proxy may rewrite
// those (nginx's `Host $host` drops a non-default port): production goes by
// APP_URL, the public origin. Development keeps the host the browser used.
if (process.env.NODE_ENV === "production") process.env.AUTH_URL ??= appOrigin();

export const { handlers, auth, signIn, signOut, unstable_update } = NextAuth({
  ...authConfig,
  callbacks: {
    ...authConfig.callbacks,
    jwt(params) {
      // An update may come from any browser (POST /api/auth/session): it can
      // only move this session to the next version, on a grant the server made.
      if (params.trigger === "update") return applySessionUpdate(params.token, params.session);
      return authConfig.callbacks.jwt(params);
    },
  },
  providers: [
    Credentials({
      // The only credential is a sign-in challenge whose second factor was
      // already verified by a server action (app/login/verify/actions.ts,
      // app/setup-2fa/actions.ts); it is consumed here, so one challenge
      // yields at most one session.
      credentials: { challenge: {} },
      async authorize(credentials) {
        const token = credentials?.challenge;
        if (typeof token !== "string" || token.length > 100) return null;
        const userId = await consumeVerifiedChallenge(token);
        const user = userId ? await getUserById(userId) : null;
        if (!user?.twoFactorMethod) return null;
        // README.md "Access tokens and the API": every completed sign-in issues
        // a fresh access token.
        await issueAccessToken(user);
        // The session's row (browser, IP, times) is written here, on the Node
        // side; its id becomes the cookie's `sid` (lib/auth/config.ts's jwt).
        const { sessionId } = await recordSession(user.id, await getRequestContext());
        return {
          id: user.id,
          name: user.username,
          email: user.email,
          sessionVersion: user.sessionVersion,
          sessionId,
        };
      },
    }),
  ],
});
