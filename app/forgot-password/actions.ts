"use server";

import { findUserByIdentifier } from "@/lib/server/accounts/accounts";
import { issueResetLink } from "@/lib/server/accounts/password-reset";
import { noticePasswordResetLink } from "@/lib/server/mail/senders";
import { ACCOUNT_CODE_TTL_MINUTES, retryMessage } from "@/lib/server/policy";
import { formAction } from "@/lib/server/sign-in/action";
import type { FormState } from "@/lib/validations/form-state";
import { forgotPasswordSchema } from "@/lib/validations/password-reset";

export type ForgotState = FormState & { sent?: boolean };

// DESIGN.md §4: the same answer whatever the name (none, unverified, the
// account's sending limit reached), after the same awaited work: the IP's
// limit is claimed for every request, and the link is mailed after the
// response. Only the IP's own limit may say "try again": it tells nothing
// of any account.
export const forgotPasswordAction = formAction({
  guard: "none",
  path: "/forgot-password",
  schema: forgotPasswordSchema,
  values: ["identifier"],
  run: async ({ data: { identifier }, request }): Promise<ForgotState> => {
    const user = await findUserByIdentifier(identifier);
    const issued = await issueResetLink(user?.id ?? null, request.ip);
    if (!issued.ok && issued.reason === "limited" && issued.scope === "ip")
      return { message: retryMessage(issued.retryAfterSeconds) };
    if (issued.ok && user)
      await noticePasswordResetLink(user, request, issued.link, ACCOUNT_CODE_TTL_MINUTES.reset_password);
    return { sent: true };
  },
});
