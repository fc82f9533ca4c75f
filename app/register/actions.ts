"use server";

import { redirect } from "next/navigation";
import { registerAccount } from "@/lib/server/accounts/accounts";
import { registerFormSchema } from "@/lib/server/accounts/common-passwords";
import { createChallenge } from "@/lib/server/sign-in/challenge";
import { recordSecurityEvent } from "@/lib/server/accounts/events";
import { hashPassword } from "@/lib/server/accounts/password";
import { claimWindowTry } from "@/lib/server/platform/rate-limit";
import { keys, LIMITS, MESSAGES } from "@/lib/server/policy";
import { formAction } from "@/lib/server/sign-in/action";
import type { FormState } from "@/lib/validations/form-state";

export async function registerAction(previous: FormState, formData: FormData): Promise<FormState> {
  return formAction({
    guard: "none",
    path: "/register",
    schema: registerFormSchema,
    values: ["username", "email"],
    limits: ({ request }) => claimWindowTry(keys.registrations(request.ip), LIMITS.registrationsPerIp),
    run: async ({ data: { username, email, password }, request }): Promise<FormState> => {
      const result = await registerAccount({ username, email, passwordHash: await hashPassword(password) });
      if (!result.ok) {
        return result.taken === "username"
          ? { errors: { username: [MESSAGES.usernameTaken] } }
          : { errors: { email: [MESSAGES.emailRefused] } };
      }
      await recordSecurityEvent(result.userId, "registered", request);
      await createChallenge(result.userId, "enrol", request);
      redirect("/setup-2fa");
    },
  })(previous, formData);
}
