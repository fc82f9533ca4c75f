import "server-only";
import type { User } from "@prisma/client";
import { z } from "zod";
import { recoveryCodeSchema, totpCodeSchema } from "@/lib/validations/auth";
import type { FormState } from "@/lib/validations/form-state";
import { reauthSchema } from "@/lib/validations/settings";
import { latestReauthChallengeId } from "./challenge";
import { recordSecurityEvent } from "../accounts/events";
import { limitSubject, passwordLimitSubject } from "./known-device";
import { noticeRecoveryCodeUsed } from "../mail/senders";
import { verifyPassword } from "../accounts/password";
import { claimDelayedTry, claimWindowTry, resetTries } from "../platform/rate-limit";
import { keys, LIMITS, MESSAGES, retryMessage } from "../policy";
import { getRequestContext } from "../platform/request-context";
import { verifySecondFactor, type SecondFactorResult } from "../factors/two-factor";

// Whose 6-digit "Current code" is an emailed one: email users, and passkey
// users (a passkey cannot be typed; they have no authenticator app). Either
// may also use a recovery code.
export function usesEmailedReauthCodes(user: Pick<User, "twoFactorMethod">): boolean {
  return user.twoFactorMethod === "email" || user.twoFactorMethod === "passkey";
}

export type ReauthResult = ({ ok: true } & SecondFactorResult) | { ok: false; state: FormState };

// README.md "How it works" (security settings) and SECURITY.md, ASVS 7.5.1:
// changing the second factor or the recovery codes needs the password and a
// current second factor (an authenticator code, or for email users a code just
// emailed; or a recovery code, for someone who lost their phone), under the
// sign-in rate limits.
export async function reauthenticate(user: User, formData: FormData): Promise<ReauthResult> {
  const parsed = reauthSchema.safeParse({ password: formData.get("password"), code: formData.get("code") });
  if (!parsed.success) {
    return { ok: false, state: { errors: z.flattenError(parsed.error).fieldErrors } };
  }
  const totp = totpCodeSchema.safeParse(parsed.data.code);
  const recovery = recoveryCodeSchema.safeParse(parsed.data.code);
  if (!totp.success && !recovery.success) {
    return {
      ok: false,
      state: { errors: { code: [MESSAGES.reauthCodeMissing] } },
    };
  }

  // The password counts against the limits of the username at sign-in (or of
  // this browser), so that reauthentication adds no third allowance of guesses.
  const passwordKey = keys.passwordFailures(await passwordLimitSubject(user.username, user.id));
  const codeKey = keys.codes(await limitSubject(user.id));
  for (const verdict of [
    await claimDelayedTry(passwordKey),
    await claimWindowTry(codeKey, LIMITS.codesPerAccount),
  ]) {
    if (!verdict.ok) return { ok: false, state: { message: retryMessage(verdict.retryAfterSeconds) } };
  }
  if (!(await verifyPassword(user.passwordHash, parsed.data.password))) {
    return { ok: false, state: { errors: { password: [MESSAGES.wrongPassword] } } };
  }
  await resetTries(passwordKey);
  const result = totp.success
    ? usesEmailedReauthCodes(user)
      ? await verifySecondFactor(
          user.id,
          "email",
          totp.data,
          (await latestReauthChallengeId(user.id)) ?? undefined,
        )
      : await verifySecondFactor(user.id, "totp", totp.data)
    : await verifySecondFactor(user.id, "recovery", recovery.data ?? "");
  if (!result.ok) {
    return { ok: false, state: { errors: { code: [MESSAGES.wrongReauthCode] } } };
  }
  await resetTries(codeKey);
  if (result.recoveryCodesLeft !== undefined) {
    // A recovery code is spent here as at sign-in: the owner hears of it.
    const context = await getRequestContext();
    await recordSecurityEvent(user.id, "recovery_code_used", context, `${result.recoveryCodesLeft} left`);
    await noticeRecoveryCodeUsed(user, context, result.recoveryCodesLeft);
  }
  return result;
}
