"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { findUserByIdentifier, getUserById } from "@/lib/server/accounts/accounts";
import { type CodeCheck } from "@/lib/server/accounts/account-codes";
import { confirmEmailChange, requestEmailChange } from "@/lib/server/accounts/email-change";
import {
  issueVerificationCode,
  pendingCodeAddress,
  verifyEmailCode,
} from "@/lib/server/accounts/email-verification";
import {
  noticeEmailChanged,
  sendEmailChangeCode,
  sendVerificationCodeEmail,
} from "@/lib/server/mail/senders";
import type { RequestContext } from "@/lib/server/platform/request-context";
import {
  ACCOUNT_CODE_MESSAGES,
  ACCOUNT_CODE_TTL_MINUTES,
  retryMessage,
  VERIFY_EMAIL_MESSAGES,
} from "@/lib/server/policy";
import { formAction } from "@/lib/server/sign-in/action";
import {
  checkDecoyCode,
  getRegistrationStep,
  resendDecoyCode,
  tellOwner,
  type RegistrationStep,
} from "@/lib/server/sign-in/registration";
import { getCurrentSession } from "@/lib/server/sign-in/session";
import type { FormState } from "@/lib/validations/form-state";
import { resendVerificationSchema, verifyEmailSchema } from "@/lib/validations/verify-email";

const PATH = "/verify-email";

// Whose address this browser is proving: a signed-in user's unverified
// address, this browser's registration step (an account or a decoy), or, from
// an emailed link opened elsewhere, the account the link names.
type Target =
  | { kind: "user"; userId: string; email: string; after: string }
  | { kind: "decoy"; step: RegistrationStep & { kind: "decoy" } }
  | { kind: "link"; userId: string }
  | { kind: "none" };

async function findTarget(account: string | undefined): Promise<Target> {
  const session = await getCurrentSession();
  if (session && !session.user.emailVerifiedAt) {
    return {
      kind: "user",
      userId: session.user.id,
      email: session.user.email,
      after: `${PATH}?done=verified`,
    };
  }
  const step = await getRegistrationStep();
  if (step?.kind === "account") {
    return { kind: "user", userId: step.userId, email: step.email, after: "/setup-2fa" };
  }
  if (step?.kind === "decoy") return { kind: "decoy", step };
  return account ? { kind: "link", userId: account } : { kind: "none" };
}

function refusal(check: Exclude<CodeCheck, { ok: true }> | { ok: false; reason: "email_taken" }): FormState {
  const message =
    check.reason === "wrong"
      ? ACCOUNT_CODE_MESSAGES.wrongCode(check.triesLeft)
      : check.reason === "voided"
        ? ACCOUNT_CODE_MESSAGES.codeVoided
        : check.reason === "expired"
          ? ACCOUNT_CODE_MESSAGES.codeExpired
          : check.reason === "email_taken"
            ? ACCOUNT_CODE_MESSAGES.emailTaken
            : ACCOUNT_CODE_MESSAGES.noCode;
  return { errors: { code: [message] } };
}

// "Verify email": only ever a POST. The emailed link opens the page with the
// code filled in and verifies nothing (mail scanners open links).
export async function verifyEmailAction(previous: FormState, formData: FormData): Promise<FormState> {
  return formAction({
    guard: "none",
    path: PATH,
    schema: verifyEmailSchema,
    run: async ({ data: { code, account, purpose }, request }): Promise<FormState> => {
      if (purpose === "change_email") {
        const session = await getCurrentSession();
        if (!session) redirect(`/login?callbackUrl=${encodeURIComponent(`${PATH}?purpose=change_email`)}`);
        const verdict = await confirmEmailChange(session.user.id, code, request);
        if (!verdict.ok) return refusal(verdict);
        // DESIGN.md §4: the old address is told (time, IP, browser, the new one masked).
        await noticeEmailChanged(
          { username: session.user.username, previousEmail: verdict.previousEmail, email: verdict.email },
          request,
        );
        redirect(`${PATH}?done=changed`);
      }
      const target = await findTarget(account);
      if (target.kind === "none") return { message: VERIFY_EMAIL_MESSAGES.nothingToVerify };
      if (target.kind === "decoy") return refusal(await checkDecoyCode(target.step.key, code));
      const verdict = await verifyEmailCode(target.userId, "verify_email", code, request);
      if (!verdict.ok) return refusal(verdict);
      // The header too (the layout): it names the account once its setup begins.
      revalidatePath("/", "layout");
      redirect(target.kind === "user" ? target.after : `${PATH}?done=verified`);
    },
  })(previous, formData);
}

export type ResendState = FormState & { sent?: boolean };

async function resendTo(
  userId: string,
  email: string,
  purpose: "verify_email" | "change_email",
  request: RequestContext,
): Promise<ResendState> {
  const user = await getUserById(userId);
  if (!user) return { message: VERIFY_EMAIL_MESSAGES.signInForNewCode };
  const issued = await issueVerificationCode(userId, email, purpose, request.ip);
  if (!issued.ok) return { message: retryMessage(issued.retryAfterSeconds) };
  await sendVerificationCodeEmail(email, {
    username: user.username,
    code: issued.code,
    link: issued.link,
    expiresInMinutes: ACCOUNT_CODE_TTL_MINUTES[purpose],
  });
  return { sent: true, message: VERIFY_EMAIL_MESSAGES.codeSent(email) };
}

// "Send a new code": within the sending limits (3 per 15 minutes per
// account, 10 per hour per IP); a decoy answers as an account would, and
// its address's owner is told again, within that owner's notice limit.
export async function resendVerificationAction(
  previous: ResendState,
  formData: FormData,
): Promise<ResendState> {
  return formAction({
    guard: "none",
    path: PATH,
    schema: resendVerificationSchema,
    run: async ({ data: { purpose }, request }): Promise<ResendState> => {
      if (purpose === "change_email") {
        const session = await getCurrentSession();
        if (!session) return { message: VERIFY_EMAIL_MESSAGES.signInForNewCode };
        // The newest unused code's address, expired or voided ones too, so that
        // a new code can replace them.
        const address = await pendingCodeAddress(session.user.id, "change_email");
        if (!address) return { message: ACCOUNT_CODE_MESSAGES.noCode };
        // As in settings: a taken address is answered like a free one and sent nothing.
        const requested = await requestEmailChange(session.user.id, address, request.ip);
        if (!requested.ok && requested.reason === "limited")
          return { message: retryMessage(requested.retryAfterSeconds) };
        if (!requested.ok) return { message: ACCOUNT_CODE_MESSAGES.noCode };
        if (requested.deliver) {
          await sendEmailChangeCode(address, {
            username: session.user.username,
            code: requested.code,
            link: requested.link,
            expiresInMinutes: ACCOUNT_CODE_TTL_MINUTES.change_email,
          });
        }
        return { sent: true, message: VERIFY_EMAIL_MESSAGES.codeSent(address) };
      }
      const target = await findTarget(undefined);
      if (target.kind === "user") return resendTo(target.userId, target.email, "verify_email", request);
      if (target.kind !== "decoy") return { message: VERIFY_EMAIL_MESSAGES.signInForNewCode };
      const { key, email } = target.step;
      const resent = await resendDecoyCode(key, request.ip);
      if (!resent.ok) return { message: retryMessage(resent.retryAfterSeconds) };
      const owner = await findUserByIdentifier(email);
      if (owner) await tellOwner(owner, request);
      return { sent: true, message: VERIFY_EMAIL_MESSAGES.codeSent(email) };
    },
  })(previous, formData);
}
