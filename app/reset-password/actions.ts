"use server";

import { redirect } from "next/navigation";
import { getUserById } from "@/lib/server/accounts/accounts";
import { isCommonPassword } from "@/lib/server/accounts/common-passwords";
import { recordSecurityEvent } from "@/lib/server/accounts/events";
import { hashPassword, passwordChecksBusy, verifyPassword } from "@/lib/server/accounts/password";
import {
  completeReset,
  findReset,
  markResetFactorVerified,
  type ResetRefusal,
} from "@/lib/server/accounts/password-reset";
import { hasPasskey } from "@/lib/server/factors/passkey-store";
import { finishPasskeyAuthentication, startPasskeyAuthentication } from "@/lib/server/factors/passkeys";
import { verifySecondFactor } from "@/lib/server/factors/two-factor";
import { METHOD_NAMES, noticePasswordResetDone, noticeRecoveryCodeUsed } from "@/lib/server/mail/senders";
import { claimWindowTry, resetTries, windowTriesLeft } from "@/lib/server/platform/rate-limit";
import {
  ACCOUNT_CODE_MESSAGES,
  keys,
  LIMITS,
  MESSAGES,
  PASSKEY_SIGN_IN_MESSAGES,
  RESET_MESSAGES,
  retryMessage,
} from "@/lib/server/policy";
import type { RequestContext } from "@/lib/server/platform/request-context";
import { formAction } from "@/lib/server/sign-in/action";
import { limitSubject } from "@/lib/server/sign-in/known-device";
import { recordPasskeyRefusal } from "@/lib/server/sign-in/second-step";
import { fieldErrors } from "@/lib/validations/auth";
import type { FormState } from "@/lib/validations/form-state";
import {
  resetFactorSchema,
  resetPasskeySchema,
  resetPasswordSchema,
  resetTokenFormSchema,
} from "@/lib/validations/password-reset";
import type { PasskeyState } from "@/lib/validations/passkeys";
import { forgetResetSecret, keepResetSecret, readResetSecret } from "./reset-cookie";

const linkMessage = (refusal: ResetRefusal): string =>
  refusal.reason === "expired"
    ? ACCOUNT_CODE_MESSAGES.resetLinkExpired
    : ACCOUNT_CODE_MESSAGES.resetLinkInvalid;

// Step 1 (ASVS 6.4.3): the account's second factor before any new password.
// A wrong code counts against the same per-account limit as the sign-in's
// codes (`code:<subject>`, LIMITS.codesPerAccount), claimed before the check.
const resetFactorHandler = formAction({
  guard: "none",
  path: "/reset-password",
  schema: resetFactorSchema,
  run: async ({ data, request }): Promise<FormState> => {
    const found = await findReset(data.token);
    if (!found.ok) return { message: linkMessage(found) };
    const { reset } = found;
    // The link came by email, so an emailed code proves nothing more.
    const offered =
      data.method === "recovery" ||
      (data.method === "totp" ? reset.twoFactorMethod === "totp" : reset.twoFactorMethod === null);
    if (!offered) return { errors: { code: [RESET_MESSAGES.useRecoveryCode] } };
    if (data.method !== "none") {
      const limitKey = keys.codes(await limitSubject(reset.userId));
      const verdict = await claimWindowTry(limitKey, LIMITS.codesPerAccount);
      if (!verdict.ok) return { message: retryMessage(verdict.retryAfterSeconds) };
      const result = await verifySecondFactor(reset.userId, data.method, data.code);
      if (!result.ok) {
        const message = await refuseResetFactor(reset.userId, limitKey, data.method, request);
        return { errors: { code: [RESET_MESSAGES.wrongFactor[data.method]] }, message };
      }
      await resetTries(limitKey);
      if (result.recoveryCodesLeft !== undefined) {
        const left = `${result.recoveryCodesLeft} left`;
        await recordSecurityEvent(reset.userId, "recovery_code_used", request, left);
        await noticeRecoveryCodeUsed(reset, request, result.recoveryCodesLeft);
      }
    }
    return acceptResetFactor(data.token, reset.expiresAt);
  },
});

// A wrong factor of a reset: recorded, and the message says how many tries
// the account's code limit has left.
async function refuseResetFactor(
  userId: string,
  limitKey: string,
  method: keyof typeof METHOD_NAMES,
  request: RequestContext,
): Promise<string> {
  await recordSecurityEvent(
    userId,
    "sign_in_failed_code",
    request,
    `password reset, ${METHOD_NAMES[method]}`,
  );
  const { left, retryAfterSeconds } = await windowTriesLeft(limitKey, LIMITS.codesPerAccount);
  return left > 0 ? RESET_MESSAGES.triesLeft(left) : retryMessage(retryAfterSeconds);
}

// The factor is proven: bound to the reset and to this browser, then on to the new password.
async function acceptResetFactor(token: string, linkExpiresAt: Date): Promise<FormState> {
  const marked = await markResetFactorVerified(token);
  if (!marked.ok)
    return {
      message:
        marked.reason === "already_verified" ? RESET_MESSAGES.factorProvenElsewhere : linkMessage(marked),
    };
  await keepResetSecret(marked.browserSecret, linkExpiresAt);
  redirect(`/reset-password?token=${encodeURIComponent(token)}`);
}

// "Use a passkey", first post: options for the reset account's passkeys (no
// sign-in challenge; user verification not required, as at the second step).
const beginResetPasskeyHandler = formAction({
  guard: "none",
  path: "/reset-password",
  schema: resetTokenFormSchema,
  run: async ({ data: { token } }): Promise<PasskeyState> => {
    const found = await findReset(token);
    if (!found.ok) return { message: linkMessage(found) };
    if (found.reset.factorVerified) return { message: RESET_MESSAGES.factorProvenElsewhere };
    if (!(await hasPasskey(found.reset.userId))) return { message: PASSKEY_SIGN_IN_MESSAGES.noPasskey };
    return {
      options: { ceremony: "get", json: await startPasskeyAuthentication({ userId: found.reset.userId }) },
    };
  },
});

// Second post: the passkey's answer is the reset's factor, under the same
// code limit as a code, then the same way on as a right code.
const finishResetPasskeyHandler = formAction({
  guard: "none",
  path: "/reset-password",
  schema: resetPasskeySchema,
  run: async ({ data: { token, response }, request }): Promise<PasskeyState> => {
    const found = await findReset(token);
    if (!found.ok) return { message: linkMessage(found) };
    const { reset } = found;
    const limitKey = keys.codes(await limitSubject(reset.userId));
    const verdict = await claimWindowTry(limitKey, LIMITS.codesPerAccount);
    if (!verdict.ok) return { message: retryMessage(verdict.retryAfterSeconds) };
    const result = await finishPasskeyAuthentication(response, {
      requireUserVerification: false,
      userId: reset.userId,
    });
    if (!result.ok) {
      await recordPasskeyRefusal(result, request);
      const tries = await refuseResetFactor(reset.userId, limitKey, "passkey", request);
      return { message: `${PASSKEY_SIGN_IN_MESSAGES.wrongPasskey} ${tries}` };
    }
    await resetTries(limitKey);
    return acceptResetFactor(token, reset.expiresAt);
  },
});

// Step 2: the new password, under the registration rules and not the
// current one, in the browser that proved the factor. completeReset ends
// every session, access token and pending sign-in; it never signs in.
const resetPasswordHandler = formAction({
  guard: "none",
  path: "/reset-password",
  schema: resetTokenFormSchema,
  run: async ({ data: { token }, formData, request }): Promise<FormState> => {
    const found = await findReset(token);
    if (!found.ok) return { message: linkMessage(found) };
    const browserSecret = await readResetSecret();
    // Before any hashing: without the factor's proof nothing can succeed.
    if (!browserSecret) return { message: ACCOUNT_CODE_MESSAGES.resetFactorFirst };
    const parsed = resetPasswordSchema(found.reset.username, isCommonPassword).safeParse(
      Object.fromEntries(formData),
    );
    if (!parsed.success) return { errors: fieldErrors(parsed.error) };
    const { newPassword } = parsed.data;
    if (passwordChecksBusy()) return { message: MESSAGES.passwordChecksBusy };
    const user = await getUserById(found.reset.userId);
    if (user && (await verifyPassword(user.passwordHash, newPassword)))
      return { errors: { newPassword: [MESSAGES.samePassword] } };
    const done = await completeReset(token, browserSecret, await hashPassword(newPassword), request);
    if (!done.ok)
      return {
        message:
          done.reason === "factor_required" ? ACCOUNT_CODE_MESSAGES.resetFactorFirst : linkMessage(done),
      };
    await forgetResetSecret();
    await noticePasswordResetDone(done, request);
    redirect("/login?reset=1");
  },
});

// Exported as declared functions: Next.js names an action by an id that
// encodes the parameters it declares, which middleware checks posts against
// (lib/auth/form-posts.ts); a wrapper's result would declare none.
export async function resetFactorAction(previous: FormState, formData: FormData): Promise<FormState> {
  return resetFactorHandler(previous, formData);
}

export async function resetPasswordAction(previous: FormState, formData: FormData): Promise<FormState> {
  return resetPasswordHandler(previous, formData);
}

export async function beginResetPasskeyAction(
  previous: PasskeyState,
  formData: FormData,
): Promise<PasskeyState> {
  return beginResetPasskeyHandler(previous, formData);
}

export async function finishResetPasskeyAction(
  previous: PasskeyState,
  formData: FormData,
): Promise<PasskeyState> {
  return finishResetPasskeyHandler(previous, formData);
}
