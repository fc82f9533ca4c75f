import { z } from "zod";

const PASSWORD_MIN = 8;
const PASSWORD_MAX = 128;

// Lengths count Unicode code points, so an emoji is one character, not two.
const codePoints = (value: string): number => [...value].length;

const USERNAME_LENGTH = "Username must be 3 to 32 characters";
export const usernameSchema = z
  .string({ error: USERNAME_LENGTH })
  .trim()
  .toLowerCase()
  .min(3, USERNAME_LENGTH)
  .max(32, USERNAME_LENGTH)
  .regex(/^[a-z0-9._-]*$/, "Use only letters, digits, dots, hyphens and underscores");

const EMAIL = "Enter a valid email address";
export const emailSchema = z
  .string({ error: EMAIL })
  .trim()
  .toLowerCase()
  .max(254, EMAIL)
  .pipe(z.email(EMAIL));

const PASSWORD_TOO_SHORT = `Password must be at least ${PASSWORD_MIN} characters`;
const PASSWORD_TOO_LONG = `Password must be at most ${PASSWORD_MAX} characters`;
const PASSWORD_TOO_COMMON = "This password is too common. Choose a longer or less predictable one.";

// README.md "Security rules": the most common passwords are refused. Their
// list is server-only (lib/server/accounts/common-passwords.ts), so the
// schemas of a new password take its check as an argument: the server's
// actions pass it, and a schema built without it checks all the rest.
export type CommonPasswordCheck = (password: string) => boolean;

export function newPasswordSchemaWith(isCommon?: CommonPasswordCheck): z.ZodString {
  const lengths = z
    .string({ error: PASSWORD_TOO_SHORT })
    .refine((value) => codePoints(value) >= PASSWORD_MIN, { error: PASSWORD_TOO_SHORT, abort: true })
    .refine((value) => codePoints(value) <= PASSWORD_MAX, { error: PASSWORD_TOO_LONG, abort: true });
  return isCommon ? lengths.refine((value) => !isCommon(value), { error: PASSWORD_TOO_COMMON }) : lengths;
}
export const newPasswordSchema = newPasswordSchemaWith();

// README.md "Security rules": no password equal to or containing the username.
const CONTAINS_USERNAME = "Your password must not contain your username";
const containsUsername = (password: string, username: string): boolean =>
  password.toLowerCase().includes(username.toLowerCase());

// Compared only when the input is an object whose username and password are valid
// (normalised strings), so that a bad field is reported rather than thrown on.
export function registerSchemaWith(isCommon?: CommonPasswordCheck) {
  return z
    .object({ username: usernameSchema, email: emailSchema, password: newPasswordSchemaWith(isCommon) })
    .refine((data) => !containsUsername(data.password, data.username), {
      error: CONTAINS_USERNAME,
      path: ["password"],
      when: ({ issues }) => issues.every((issue) => issue.path?.[0] === "email"),
    });
}
export const registerSchema = registerSchemaWith();

// A signed-in user's new password, under the same rules as at registration.
export function changePasswordSchema(username: string, isCommon?: CommonPasswordCheck) {
  return z.object({
    newPassword: newPasswordSchemaWith(isCommon).refine(
      (value) => !containsUsername(value, username),
      CONTAINS_USERNAME,
    ),
  });
}

const IDENTIFIER = "Enter your username or email";
const LOGIN_PASSWORD = "Enter your password";
export const loginSchema = z.object({
  identifier: z
    .string({ error: IDENTIFIER })
    .trim()
    .toLowerCase()
    .min(1, IDENTIFIER)
    .max(254, IDENTIFIER)
    // Control characters fit no username or email, and PostgreSQL refuses NUL.
    .regex(/^\P{Cc}*$/u, IDENTIFIER),
  password: z
    .string({ error: LOGIN_PASSWORD })
    .min(1, LOGIN_PASSWORD)
    .refine((value) => codePoints(value) <= PASSWORD_MAX, PASSWORD_TOO_LONG),
});

const sixDigitCode = (message: string): z.ZodString =>
  z
    .string({ error: message })
    .overwrite((value) => value.replace(/\s/g, ""))
    .regex(/^[0-9]{6}$/, message);

export const totpCodeSchema = sixDigitCode("Enter the 6-digit code from your authenticator app");
export const emailCodeSchema = sixDigitCode("Enter the 6-digit code from the email");

const RECOVERY_CODE = "Enter one of your recovery codes, like ABCD-EFGH-IJKL-MNOP";
// RFC 4648 base32 alphabet.
export const recoveryCodeSchema = z
  .string({ error: RECOVERY_CODE })
  .overwrite((value) => value.replace(/[\s-]/g, "").toUpperCase())
  .regex(/^[A-Z2-7]{16}$/, RECOVERY_CODE);

// The second step of a sign-in: a code of the chosen kind. A missing or
// unknown kind is reported next to the code, where the form shows errors.
const VERIFY_METHODS = ["totp", "recovery", "email"] as const;
const CHOOSE_VERIFY_METHOD = "Choose a way to verify";
export const verifySchema = z
  .looseObject({ method: z.unknown().optional() })
  .refine(({ method }) => VERIFY_METHODS.some((known) => known === method), {
    error: CHOOSE_VERIFY_METHOD,
    path: ["code"],
  })
  .pipe(
    z.discriminatedUnion("method", [
      z.object({ method: z.literal("totp"), code: totpCodeSchema }),
      z.object({ method: z.literal("recovery"), code: recoveryCodeSchema }),
      z.object({ method: z.literal("email"), code: emailCodeSchema }),
    ]),
  );
export type VerifyMethod = (typeof VERIFY_METHODS)[number];

// The first code of an enrolment, by the factor being set up.
export const setupCodeSchemas = {
  totp: z.object({ code: totpCodeSchema }),
  email: z.object({ code: emailCodeSchema }),
};

export function fieldErrors(error: z.ZodError): Record<string, string[]> {
  return z.flattenError(error).fieldErrors as Record<string, string[]>;
}
