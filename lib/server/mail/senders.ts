import "server-only";
import type { User } from "@prisma/client";
import * as accessToken from "@/emails/access-token";
import * as newSignIn from "@/emails/new-sign-in";
import * as partialSignIn from "@/emails/partial-sign-in";
import * as passwordChanged from "@/emails/password-changed";
import * as passwordReset from "@/emails/password-reset";
import * as passwordResetDone from "@/emails/password-reset-done";
import * as recoveryCodeUsed from "@/emails/recovery-code-used";
import * as signInCode from "@/emails/sign-in-code";
import * as twoFactorChanged from "@/emails/two-factor-changed";
import * as welcome from "@/emails/welcome";
import { formatUtcTime } from "@/lib/time-format";
import { afterResponse } from "../platform/after-response";
import { env } from "../platform/env";
import type { RequestContext } from "../platform/request-context";
import { describeBrowser, describeIp } from "../platform/request-labels";
import { sendTemplate, type EmailTemplate, type SendMailResult } from "./mailer";

// Every email the app sends (README.md "Email"), one function each, all of
// one shape: a template of `emails/` and its props, sent to one address.
// Two kinds of callers:
// - `send*`: the user waits for the answer ("could not send, try again"), so
//   the caller gets the result;
// - `notice*`: security notices, sent after the response, so a slow or
//   failing mail server never holds up or breaks a sign-in.

type Recipient = Pick<User, "username" | "email">;

export type { SendMailResult };

// --- sent now -----------------------------------------------------------------

export function sendSignInCodeEmail(
  to: string,
  props: signInCode.SignInCodeEmailProps,
): Promise<SendMailResult> {
  return sendTemplate(signInCode, to, props);
}

export function sendAccessTokenEmail(
  to: string,
  props: accessToken.AccessTokenEmailProps,
): Promise<SendMailResult> {
  return sendTemplate(accessToken, to, props);
}

// --- security notices, after the response -----------------------------------------

export const METHOD_NAMES = {
  totp: "Authenticator app",
  recovery: "Recovery code",
  email: "Emailed code",
} as const;

function notice<P extends { username: string }>(
  template: EmailTemplate<P>,
  user: Recipient,
  props: Omit<P, "username">,
): Promise<void> {
  return afterResponse(() => sendTemplate(template, user.email, { ...props, username: user.username } as P));
}

// When and from where, as a person reads it. The recipient's time zone is
// unknown: the time says its zone.
function seen(context: RequestContext) {
  return {
    time: formatUtcTime(new Date()),
    ip: describeIp(context.ip),
    settingsUrl: new URL("/settings/security", env.APP_URL).toString(),
  };
}

const seenWithBrowser = (context: RequestContext) => ({
  ...seen(context),
  browser: describeBrowser(context.userAgent),
});

export function noticeSignIn(
  user: Recipient,
  context: RequestContext,
  method: keyof typeof METHOD_NAMES,
): Promise<void> {
  return notice(newSignIn, user, { ...seenWithBrowser(context), method: METHOD_NAMES[method] });
}

// ASVS 6.3.5: the right password, then a second step that failed.
export function noticePartialSignIn(user: Recipient, context: RequestContext): Promise<void> {
  return notice(partialSignIn, user, seenWithBrowser(context));
}

export function noticePasswordChanged(user: Recipient, context: RequestContext): Promise<void> {
  return notice(passwordChanged, user, seenWithBrowser(context));
}

export function noticeRecoveryCodeUsed(
  user: Recipient,
  context: RequestContext,
  remaining: number,
): Promise<void> {
  return notice(recoveryCodeUsed, user, { ...seen(context), remaining });
}

export function noticeTwoFactorChanged(
  user: Recipient,
  context: RequestContext,
  change: string,
): Promise<void> {
  return notice(twoFactorChanged, user, { ...seen(context), change });
}

export function noticeWelcome(user: Recipient): Promise<void> {
  return notice(welcome, user, { appUrl: env.APP_URL });
}

// --- password reset ---------------------------------------------------------------

// The reset link. Its caller (/forgot-password) runs the whole issuance
// after the response, so that the answer takes the same time whether or not
// a link went out (DESIGN.md §4); this send is awaited inside that work.
export function sendPasswordResetLink(
  user: Recipient,
  context: RequestContext,
  link: string,
  expiresInMinutes: number,
): Promise<SendMailResult> {
  const { time, ip, browser } = seenWithBrowser(context);
  return sendTemplate(passwordReset, user.email, {
    username: user.username,
    link,
    expiresInMinutes,
    time,
    ip,
    browser,
  });
}

export function noticePasswordResetDone(user: Recipient, context: RequestContext): Promise<void> {
  return notice(passwordResetDone, user, seenWithBrowser(context));
}
