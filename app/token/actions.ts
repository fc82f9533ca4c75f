"use server";

import { redirect } from "next/navigation";
import { currentAccessToken, issueAccessToken } from "@/lib/server/tokens/access-tokens";
import { sendAccessTokenEmail } from "@/lib/server/mail/notifications";
import { claimWindowTry } from "@/lib/server/platform/rate-limit";
import { keys, LIMITS, MESSAGES, retryMessage } from "@/lib/server/policy";
import { env } from "@/lib/server/platform/env";
import { getCurrentSession } from "@/lib/server/sign-in/session";
import { orUnavailableForm, orUnavailablePage } from "@/lib/server/platform/unavailable";
import type { FormState } from "@/lib/validations/form-state";

async function sessionUser() {
  const current = await getCurrentSession();
  if (!current) redirect("/login?callbackUrl=%2Ftoken");
  return current.user;
}

export async function issueTokenAction(): Promise<void> {
  const issue = async () => {
    const user = await sessionUser();
    const limit = await claimWindowTry(keys.tokenIssues(user.id), LIMITS.tokenIssuesPerAccount);
    if (limit.ok) await issueAccessToken(user);
    return limit;
  };
  const limit = await orUnavailablePage(issue(), "/token");
  redirect(limit.ok ? "/token?issued=1" : "/token?limited=1");
}

export type EmailTokenState = FormState & { sent?: boolean };

export async function emailTokenAction(): Promise<EmailTokenState> {
  return orUnavailableForm(emailToken, {});
}

async function emailToken(): Promise<EmailTokenState> {
  const user = await sessionUser();
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
}
