"use server";

import { performance } from "node:perf_hooks";
import { redirect } from "next/navigation";
import { findUserByIdentifier, registerAccount } from "@/lib/server/accounts/accounts";
import { claimCodeEmail } from "@/lib/server/accounts/account-codes";
import { registerFormSchema } from "@/lib/server/accounts/common-passwords";
import { recordSecurityEvent } from "@/lib/server/accounts/events";
import { hashPassword } from "@/lib/server/accounts/password";
import { sendVerificationCodeEmail } from "@/lib/server/mail/senders";
import { claimWindowTry } from "@/lib/server/platform/rate-limit";
import {
  ACCOUNT_CODE_TTL_MINUTES,
  keys,
  LIMITS,
  MESSAGES,
  REGISTRATION_ANSWER_FLOOR_MS,
  retryMessage,
} from "@/lib/server/policy";
import { formAction } from "@/lib/server/sign-in/action";
import { startAccountStep, startDecoyStep, tellOwner } from "@/lib/server/sign-in/registration";
import type { FormState } from "@/lib/validations/form-state";

// DESIGN.md §4: a new address gets an unverified account and a code; an
// address that has an account gets the same answer (lib/server/sign-in/
// registration.ts: the decoy step), nothing created, and its owner an email.
// Both paths hash the password, claim the IP's code email, and await one
// email, so that neither answers sooner. A taken username is still said.
export async function registerAction(previous: FormState, formData: FormData): Promise<FormState> {
  return formAction({
    guard: "none",
    path: "/register",
    schema: registerFormSchema,
    values: ["username", "email"],
    limits: ({ request }) => claimWindowTry(keys.registrations(request.ip), LIMITS.registrationsPerIp),
    run: async ({ data: { username, email, password }, request }): Promise<FormState> => {
      const started = performance.now();
      const passwordHash = await hashPassword(password);
      // Before anything is made: a refused IP creates no account without a code.
      const send = await claimCodeEmail(null, request.ip);
      if (!send.ok) return { message: retryMessage(send.retryAfterSeconds) };
      const result = await registerAccount({ username, email, passwordHash });
      if (!result.ok && result.taken === "username")
        return { errors: { username: [MESSAGES.usernameTaken] } };

      if (result.ok) {
        await recordSecurityEvent(result.userId, "registered", request);
        const { code, link } = await startAccountStep(result.userId, email, request);
        await sendVerificationCodeEmail(email, {
          username,
          code,
          link,
          expiresInMinutes: ACCOUNT_CODE_TTL_MINUTES.verify_email,
        });
      } else {
        await startDecoyStep(email);
        const owner = await findUserByIdentifier(email);
        if (owner) await recordSecurityEvent(owner.id, "registration_attempted", request);
        if (owner) await tellOwner(owner, request);
      }
      // The paths do similar work but not the same writes: both answer no
      // sooner than a floor above either's usual time (measured in
      // __tests__/attacks/user-enumeration.test.ts), so the time tells nothing.
      const left = REGISTRATION_ANSWER_FLOOR_MS - (performance.now() - started);
      if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
      redirect("/verify-email");
    },
  })(previous, formData);
}
