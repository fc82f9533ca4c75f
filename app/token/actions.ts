"use server";

import { redirect } from "next/navigation";
import { currentAccessToken, replaceAccessToken } from "@/lib/server/tokens/access-tokens";
import { sendAccessTokenEmail } from "@/lib/server/mail/senders";
import { claimWindowTry } from "@/lib/server/platform/rate-limit";
import { keys, LIMITS, MESSAGES, retryMessage } from "@/lib/server/policy";
import { env } from "@/lib/server/platform/env";
import { formAction, pageAction } from "@/lib/server/sign-in/action";
import type { FormState } from "@/lib/validations/form-state";

const TOKEN_PATH = "/token";

// The new token replaces the one /token showed, which is revoked. Over its
// limit, the page says so (?limited=1): this form has no state.
export async function issueTokenAction(): Promise<void> {
  return pageAction({
    guard: "session",
    path: TOKEN_PATH,
    run: async ({ user }) => {
      const limit = await claimWindowTry(keys.tokenIssues(user.id), LIMITS.tokenIssuesPerAccount);
      if (limit.ok) await replaceAccessToken(user);
      redirect(limit.ok ? "/token?issued=1" : "/token?limited=1");
    },
  })();
}

export type EmailTokenState = FormState & { sent?: boolean };

// Its limit is claimed in `run`, after the token check: an expired token costs no email.
export async function emailTokenAction(): Promise<EmailTokenState> {
  return formAction({
    guard: "session",
    path: TOKEN_PATH,
    run: async ({ user }): Promise<EmailTokenState> => {
      const current = await currentAccessToken(user);
      if (!current) return { message: MESSAGES.tokenExpired };
      const limit = await claimWindowTry(keys.tokenEmails(user.id), LIMITS.tokenEmailsPerAccount);
      if (!limit.ok) return { message: retryMessage(limit.retryAfterSeconds) };
      const result = await sendAccessTokenEmail(user.email, {
        username: user.username,
        token: current.token,
        expiresAt: new Date(current.claims.exp * 1000).toISOString(),
        appUrl: env.APP_URL,
      });
      return result.ok
        ? { sent: true, message: MESSAGES.tokenSent(user.email) }
        : { message: MESSAGES.tokenEmailFailed };
    },
  })();
}
