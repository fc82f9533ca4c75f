import "server-only";
import { createElement, type ReactElement } from "react";
import AccessTokenEmail, {
  subject as accessTokenSubject,
  type AccessTokenEmailProps,
} from "@/emails/access-token";
import NewSignInEmail, { subject as newSignInSubject, type NewSignInEmailProps } from "@/emails/new-sign-in";
import PartialSignInEmail, {
  subject as partialSignInSubject,
  type PartialSignInEmailProps,
} from "@/emails/partial-sign-in";
import PasswordChangedEmail, {
  subject as passwordChangedSubject,
  type PasswordChangedEmailProps,
} from "@/emails/password-changed";
import RecoveryCodeUsedEmail, {
  subject as recoveryCodeUsedSubject,
  type RecoveryCodeUsedEmailProps,
} from "@/emails/recovery-code-used";
import SignInCodeEmail, {
  subject as signInCodeSubject,
  type SignInCodeEmailProps,
} from "@/emails/sign-in-code";
import TwoFactorChangedEmail, {
  subject as twoFactorChangedSubject,
  type TwoFactorChangedEmailProps,
} from "@/emails/two-factor-changed";
import WelcomeEmail, { subject as welcomeSubject, type WelcomeEmailProps } from "@/emails/welcome";
import { renderEmail, sendMail, type SendMailResult } from "./mailer";

async function send(to: string, subject: string, element: ReactElement): Promise<SendMailResult> {
  let rendered: { html: string; text: string };
  try {
    rendered = await renderEmail(element);
  } catch (error) {
    // Only a broken template gets here; like sendMail, callers get a result, not a throw.
    console.error(`[mail] could not render "${subject}": ${error instanceof Error ? error.name : "error"}`);
    return { ok: false };
  }
  return sendMail({ to, subject, ...rendered });
}

export function sendSignInCodeEmail(to: string, props: SignInCodeEmailProps): Promise<SendMailResult> {
  return send(to, signInCodeSubject, createElement(SignInCodeEmail, props));
}

export function sendAccessTokenEmail(to: string, props: AccessTokenEmailProps): Promise<SendMailResult> {
  return send(to, accessTokenSubject, createElement(AccessTokenEmail, props));
}

export function sendNewSignInEmail(to: string, props: NewSignInEmailProps): Promise<SendMailResult> {
  return send(to, newSignInSubject, createElement(NewSignInEmail, props));
}

export function sendRecoveryCodeUsedEmail(
  to: string,
  props: RecoveryCodeUsedEmailProps,
): Promise<SendMailResult> {
  return send(to, recoveryCodeUsedSubject, createElement(RecoveryCodeUsedEmail, props));
}

export function sendTwoFactorChangedEmail(
  to: string,
  props: TwoFactorChangedEmailProps,
): Promise<SendMailResult> {
  return send(to, twoFactorChangedSubject, createElement(TwoFactorChangedEmail, props));
}

export function sendPartialSignInEmail(to: string, props: PartialSignInEmailProps): Promise<SendMailResult> {
  return send(to, partialSignInSubject, createElement(PartialSignInEmail, props));
}

export function sendPasswordChangedEmail(
  to: string,
  props: PasswordChangedEmailProps,
): Promise<SendMailResult> {
  return send(to, passwordChangedSubject, createElement(PasswordChangedEmail, props));
}

export function sendWelcomeEmail(to: string, props: WelcomeEmailProps): Promise<SendMailResult> {
  return send(to, welcomeSubject, createElement(WelcomeEmail, props));
}
