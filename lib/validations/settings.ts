import { z } from "zod";
import { changePasswordSchema, emailSchema, totpCodeSchema, type CommonPasswordCheck } from "./auth";

// The current password and a current code, asked before a change in settings;
// their format only: lib/server/sign-in/reauthenticate.ts checks them.
export const reauthSchema = z.object({
  password: z.string({ error: "Enter your password" }).min(1, "Enter your password").max(1024),
  code: z.string({ error: "Enter a code" }).min(1, "Enter a code").max(64),
});

// The password-change form: every field is checked at once, so that an empty
// submit flags all three. The server passes the common-password check
// (lib/validations/auth.ts, newPasswordSchemaWith).
export function changePasswordFormSchema(username: string, isCommon?: CommonPasswordCheck) {
  return reauthSchema.extend(changePasswordSchema(username, isCommon).shape);
}

// The first code of the new authenticator app, which confirms a re-enrolment.
export const reenrolCodeSchema = z.object({ newCode: totpCodeSchema });

// The email-change form: the new address with the password and a current
// code, all checked at once.
export const changeEmailFormSchema = reauthSchema.extend({ newEmail: emailSchema });
