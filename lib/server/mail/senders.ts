import "server-only";
import type { User } from "@prisma/client";
import * as accessToken from "@/emails/access-token";
import * as accountDeleted from "@/emails/account-deleted";
import * as emailChangeCode from "@/emails/email-change-code";
import * as emailChanged from "@/emails/email-changed";
import * as newSignIn from "@/emails/new-sign-in";
import * as partialSignIn from "@/emails/partial-sign-in";
import * as passkeyAdded from "@/emails/passkey-added";
import * as passkeyRemoved from "@/emails/passkey-removed";
import * as passwordChanged from "@/emails/password-changed";
import * as passwordReset from "@/emails/password-reset";
import * as passwordResetDone from "@/emails/password-reset-done";
import * as recoveryCodeUsed from "@/emails/recovery-code-used";
import * as registrationAttempt from "@/emails/registration-attempt";
import * as signInCode from "@/emails/sign-in-code";
import * as twoFactorChanged from "@/emails/two-factor-changed";
import * as twoFactorReset from "@/emails/two-factor-reset";
import * as verifyEmailCode from "@/emails/verify-email-code";
import * as welcome from "@/emails/welcome";
import { formatUtcTime } from "@/lib/time-format";
import { afterResponse } from "../platform/after-response";
import { env } from "../platform/env";
import type { RequestContext } from "../platform/request-context";
import { describeBrowser, describeIp, maskEmail } from "../platform/request-labels";
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
  passkey: "Passkey",
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

// --- email change and verification (issue 13) ------------------------------------

// The code of an email change, to the NEW address (the link from verificationLink).
export function sendEmailChangeCode(
  to: string,
  props: emailChangeCode.EmailChangeCodeEmailProps,
): Promise<SendMailResult> {
  return sendTemplate(emailChangeCode, to, props);
}

// The code (and link) that proves the account's own address: sent now, the
// person waits for it (the link from verificationLink).
export function sendVerificationCodeEmail(
  to: string,
  props: verifyEmailCode.VerifyEmailCodeEmailProps,
): Promise<SendMailResult> {
  return sendTemplate(verifyEmailCode, to, props);
}

// After a change took effect (verifyEmailCode's `email` and `previousEmail`):
// the OLD address is told, the new one shown masked.
export function noticeEmailChanged(
  change: { username: string; previousEmail: string; email: string },
  context: RequestContext,
): Promise<void> {
  return notice(
    emailChanged,
    { username: change.username, email: change.previousEmail },
    { ...seenWithBrowser(context), newEmail: maskEmail(change.email) },
  );
}

// A registration of an address that has an account: its owner is told, and
// the registration awaits it as it awaits a new account's code, so that both
// answers take the same time.
export function sendRegistrationAttemptEmail(
  user: Recipient,
  context: RequestContext,
): Promise<SendMailResult> {
  return sendTemplate(registrationAttempt, user.email, {
    username: user.username,
    time: formatUtcTime(new Date()),
    ip: describeIp(context.ip),
    signInUrl: new URL("/login", env.APP_URL).toString(),
    resetUrl: new URL("/forgot-password", env.APP_URL).toString(),
  });
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

// --- passkeys in settings (issue 14) ------------------------------------------------

export function noticePasskeyAdded(
  user: Recipient,
  context: RequestContext,
  passkeyName: string,
): Promise<void> {
  return notice(passkeyAdded, user, { ...seenWithBrowser(context), passkeyName });
}

export function noticePasskeyRemoved(
  user: Recipient,
  context: RequestContext,
  passkeyName: string,
): Promise<void> {
  return notice(passkeyRemoved, user, { ...seenWithBrowser(context), passkeyName });
}

// --- the operator CLI (issue 15) ---------------------------------------------------

// After `npm run admin -- reset-2fa`: awaited, so that the operator is told
// whether it went.
export function sendTwoFactorResetEmail(user: Recipient): Promise<SendMailResult> {
  return sendTemplate(twoFactorReset, user.email, {
    username: user.username,
    time: formatUtcTime(new Date()),
    signInUrl: new URL("/login", env.APP_URL).toString(),
  });
}

// --- deleting the account (issue 15, item 3) -----------------------------------------

// To the address of an account just deleted from its settings. The account's
// row is gone by then, so the caller passes the name and address deleteAccount
// answered; it may send it after the response (afterResponse).
export function sendAccountDeletedEmail(
  account: Recipient,
  context: RequestContext,
): Promise<SendMailResult> {
  const { time, ip, browser } = seenWithBrowser(context);
  return sendTemplate(accountDeleted, account.email, {
    username: account.username,
    time,
    ip,
    browser,
    registerUrl: new URL("/register", env.APP_URL).toString(),
  });
}
