import { z } from "zod";
import {
  changePasswordSchema,
  loginSchema,
  recoveryCodeSchema,
  totpCodeSchema,
  type CommonPasswordCheck,
} from "./auth";
import { finishAuthenticationSchema } from "./passkeys";

// The forms of a password reset: the name that asks for a link
// (/forgot-password), then, on /reset-password, the second factor and the
// new password. The link's token travels in a hidden field; its format is
// checked by lib/server/accounts/password-reset.ts, which answers "not valid".

export const forgotPasswordSchema = z.object({ identifier: loginSchema.shape.identifier });

const LINK = "This reset link is not valid. Ask for a new one.";
const tokenSchema = z.string({ error: LINK }).min(1, LINK).max(256, LINK);

// "none": an account that never set up a second factor has nothing to prove
// but the emailed link (the server checks that it has none).
const RESET_METHODS = ["totp", "recovery", "none"] as const;
export type ResetMethod = (typeof RESET_METHODS)[number];
const CHOOSE = "Choose a way to verify";

export const resetFactorSchema = z
  .looseObject({ method: z.unknown().optional() })
  .refine(({ method }) => RESET_METHODS.some((known) => known === method), { error: CHOOSE, path: ["code"] })
  .pipe(
    z.discriminatedUnion("method", [
      z.object({ token: tokenSchema, method: z.literal("totp"), code: totpCodeSchema }),
      z.object({ token: tokenSchema, method: z.literal("recovery"), code: recoveryCodeSchema }),
      z.object({ token: tokenSchema, method: z.literal("none") }),
    ]),
  );

export const resetTokenFormSchema = z.looseObject({ token: tokenSchema });

// "Use a passkey": the link's token and the passkey's answer.
export const resetPasskeySchema = finishAuthenticationSchema.extend({ token: tokenSchema });

// The new password, under the registration rules for the account's username;
// the server passes the common-password check.
export function resetPasswordSchema(username: string, isCommon?: CommonPasswordCheck) {
  return changePasswordSchema(username, isCommon);
}
