"use server";

import { redirect } from "next/navigation";
import { registerAccount } from "@/lib/server/accounts/accounts";
import { createChallenge } from "@/lib/server/sign-in/challenge";
import { recordSecurityEvent } from "@/lib/server/accounts/events";
import { hashPassword } from "@/lib/server/accounts/password";
import { claimWindowTry } from "@/lib/server/platform/rate-limit";
import { keys, LIMITS, MESSAGES, retryMessage } from "@/lib/server/policy";
import { getRequestContext } from "@/lib/server/platform/request-context";
import { orUnavailableForm } from "@/lib/server/platform/unavailable";
import { fieldErrors, registerSchema } from "@/lib/validations/auth";
import { formValue, type FormState } from "@/lib/validations/form-state";

export async function registerAction(_previous: FormState, formData: FormData): Promise<FormState> {
  const values = { username: formValue(formData, "username"), email: formValue(formData, "email") };
  return orUnavailableForm(() => register(formData, values), { values });
}

async function register(formData: FormData, values: FormState["values"]): Promise<FormState> {
  const parsed = registerSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { errors: fieldErrors(parsed.error), values };

  const context = await getRequestContext();
  const limit = await claimWindowTry(keys.registrations(context.ip), LIMITS.registrationsPerIp);
  if (!limit.ok) return { message: retryMessage(limit.retryAfterSeconds), values };

  const { username, email, password } = parsed.data;
  const result = await registerAccount({ username, email, passwordHash: await hashPassword(password) });
  if (!result.ok) {
    return result.taken === "username"
      ? { errors: { username: [MESSAGES.usernameTaken] }, values }
      : { errors: { email: [MESSAGES.emailRefused] }, values };
  }
  await recordSecurityEvent(result.userId, "registered", context);
  await createChallenge(result.userId, "enrol", context);
  redirect("/setup-2fa");
}
