import "server-only";
import type { User } from "@prisma/client";
import { formatUtcTime } from "@/lib/time-format";
import { afterResponse } from "../platform/after-response";
import { env } from "../platform/env";
import {
  sendNewSignInEmail,
  sendPartialSignInEmail,
  sendPasswordChangedEmail,
  sendRecoveryCodeUsedEmail,
  sendTwoFactorChangedEmail,
  sendWelcomeEmail,
} from "./notifications";
import type { RequestContext } from "../platform/request-context";
import { describeBrowser, describeIp } from "../platform/request-labels";

// Security notices (README.md "Email"): sent after the response, so a slow or
// failing mail server never holds up or breaks a sign-in.

type Recipient = Pick<User, "username" | "email">;

const settingsUrl = (): string => new URL("/settings/security", env.APP_URL).toString();
// The recipient's time zone is unknown: the time says its zone.
const now = (): string => formatUtcTime(new Date());

export const METHOD_NAMES = {
  totp: "Authenticator app",
  recovery: "Recovery code",
  email: "Emailed code",
} as const;

export function noticeSignIn(user: Recipient, context: RequestContext, method: keyof typeof METHOD_NAMES) {
  return afterResponse(() =>
    sendNewSignInEmail(user.email, {
      username: user.username,
      time: now(),
      ip: describeIp(context.ip),
      browser: describeBrowser(context.userAgent),
      method: METHOD_NAMES[method],
      settingsUrl: settingsUrl(),
    }),
  );
}

export function noticeRecoveryCodeUsed(user: Recipient, context: RequestContext, remaining: number) {
  return afterResponse(() =>
    sendRecoveryCodeUsedEmail(user.email, {
      username: user.username,
      remaining,
      time: now(),
      ip: describeIp(context.ip),
      settingsUrl: settingsUrl(),
    }),
  );
}

export function noticeTwoFactorChanged(user: Recipient, context: RequestContext, change: string) {
  return afterResponse(() =>
    sendTwoFactorChangedEmail(user.email, {
      username: user.username,
      change,
      time: now(),
      ip: describeIp(context.ip),
      settingsUrl: settingsUrl(),
    }),
  );
}

// ASVS 6.3.5: the right password, then a second step that failed.
export function noticePartialSignIn(user: Recipient, context: RequestContext) {
  return afterResponse(() =>
    sendPartialSignInEmail(user.email, {
      username: user.username,
      time: now(),
      ip: describeIp(context.ip),
      browser: describeBrowser(context.userAgent),
      settingsUrl: settingsUrl(),
    }),
  );
}

export function noticePasswordChanged(user: Recipient, context: RequestContext) {
  return afterResponse(() =>
    sendPasswordChangedEmail(user.email, {
      username: user.username,
      time: now(),
      ip: describeIp(context.ip),
      browser: describeBrowser(context.userAgent),
      settingsUrl: settingsUrl(),
    }),
  );
}

export function noticeWelcome(user: Recipient) {
  return afterResponse(() => sendWelcomeEmail(user.email, { username: user.username, appUrl: env.APP_URL }));
}
