"use server";

import { redirect } from "next/navigation";
import { voidUnsentCodes } from "@/lib/server/accounts/account-codes";
import { requestEmailChange } from "@/lib/server/accounts/email-change";
import { issueVerificationCode } from "@/lib/server/accounts/email-verification";
import { recordSecurityEvent } from "@/lib/server/accounts/events";
import { sendEmailChangeCode, sendVerificationCodeEmail } from "@/lib/server/mail/senders";
import { afterResponse } from "@/lib/server/platform/after-response";
import { maskEmail } from "@/lib/server/platform/request-labels";
import {
  ACCOUNT_CODE_MESSAGES,
  ACCOUNT_CODE_TTL_MINUTES,
  EMAIL_SETTINGS_MESSAGES,
  MESSAGES,
  retryMessage,
} from "@/lib/server/policy";
import { formAction } from "@/lib/server/sign-in/action";
import { reauthenticate } from "@/lib/server/sign-in/reauthenticate";
import type { FormState } from "@/lib/validations/form-state";
import { changeEmailFormSchema } from "@/lib/validations/settings";

// The Email section of /settings/security (DESIGN.md §4 "Email change"). The
// change itself takes effect on /verify-email, when the code comes back
// (verifyEmailCode with "change_email").
const SETTINGS_PATH = "/settings/security";
const TO_VERIFY_CHANGE = "/verify-email?purpose=change_email";

// Password and a current factor first (ASVS 6.2.x like the other changes);
// the code goes to the NEW address only, and nothing changes until it comes
// back. Its own address is refused before re-authenticating, so that no code
// is spent on a change that cannot happen.
export async function changeEmailAction(previous: FormState, formData: FormData): Promise<FormState> {
  return formAction({
    guard: "session",
    path: SETTINGS_PATH,
    schema: changeEmailFormSchema,
    values: ["newEmail"],
    run: async ({ user, data: { newEmail }, formData, request }): Promise<FormState> => {
      if (newEmail === user.email) return { errors: { newEmail: [ACCOUNT_CODE_MESSAGES.sameEmail] } };
      const check = await reauthenticate(user, formData);
      if (!check.ok) return check.state;
      const started = await requestEmailChange(user.id, newEmail, request.ip);
      if (!started.ok && started.reason === "limited")
        return { message: retryMessage(started.retryAfterSeconds) };
      if (!started.ok) return { errors: { newEmail: [ACCOUNT_CODE_MESSAGES.sameEmail] } };
      await recordSecurityEvent(user.id, "email_change_requested", request, maskEmail(newEmail));
      // A taken address gets the same answer and no email (requestEmailChange).
      // The code goes out after the response, so that the answer takes as long
      // either way: awaited, the send made a free address's answer slower
      // (jest, local outbox: medians 141 ms against 126 ms; over SMTP, by the
      // mail server's round trip). A failed send voids the code; "Send a new
      // code" on /verify-email sends another.
      if (started.deliver) {
        const { code, link } = started;
        await afterResponse(async () => {
          const sent = await sendEmailChangeCode(newEmail, {
            username: user.username,
            code,
            link,
            expiresInMinutes: ACCOUNT_CODE_TTL_MINUTES.change_email,
          });
          if (!sent.ok) await voidUnsentCodes(user.id, ["change_email"]);
        });
      }
      redirect(TO_VERIFY_CHANGE);
    },
  })(previous, formData);
}

// An account from before verification (emailVerifiedAt null) proves its
// address: a code to it, then /verify-email. A reset needs a verified address.
export async function sendVerificationCodeAction(): Promise<FormState> {
  return formAction({
    guard: "session",
    path: SETTINGS_PATH,
    run: async ({ user, request }): Promise<FormState> => {
      if (user.emailVerifiedAt) return { message: EMAIL_SETTINGS_MESSAGES.alreadyVerified };
      const issued = await issueVerificationCode(user.id, user.email, "verify_email", request.ip);
      if (!issued.ok) return { message: retryMessage(issued.retryAfterSeconds) };
      const sent = await sendVerificationCodeEmail(user.email, {
        username: user.username,
        code: issued.code,
        link: issued.link,
        expiresInMinutes: ACCOUNT_CODE_TTL_MINUTES.verify_email,
      });
      if (!sent.ok) {
        await voidUnsentCodes(user.id, ["verify_email"]);
        return { message: MESSAGES.codeEmailFailed };
      }
      redirect("/verify-email");
    },
  })();
}
