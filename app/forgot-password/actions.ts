"use server";

import { findUserByIdentifier } from "@/lib/server/accounts/accounts";
import { issueResetLink } from "@/lib/server/accounts/password-reset";
import { sendPasswordResetLink } from "@/lib/server/mail/senders";
import { afterResponse } from "@/lib/server/platform/after-response";
import { windowTriesLeft } from "@/lib/server/platform/rate-limit";
import type { RequestContext } from "@/lib/server/platform/request-context";
import {
  ACCOUNT_CODE_LIMITS,
  ACCOUNT_CODE_TTL_MINUTES,
  accountCodeKeys,
  retryMessage,
} from "@/lib/server/policy";
import { formAction } from "@/lib/server/sign-in/action";
import type { FormState } from "@/lib/validations/form-state";
import { forgotPasswordSchema } from "@/lib/validations/password-reset";

export type ForgotState = FormState & { sent?: boolean };

// Looks the name up, claims the sends (the IP's for every name, the
// account's for one that gets a link) and mails the link to a verified
// account; anything else (no account, unverified, the account's limit
// reached) sends nothing.
async function issueAndSend(identifier: string, request: RequestContext): Promise<void> {
  const user = await findUserByIdentifier(identifier);
  const issued = await issueResetLink(user?.id ?? null, request.ip);
  if (issued.ok && user)
    await sendPasswordResetLink(user, request, issued.link, ACCOUNT_CODE_TTL_MINUTES.reset_password);
}

// DESIGN.md §4: the same answer, in the same time, whatever the name. The
// request itself does the same work for every name: it reads the IP's send
// limit, the one refusal that may show ("try again in ...": it tells nothing
// of any account), and leaves the lookup, the link and the email to after
// the response (measured: done inside the request, a verified account's
// answer took 1.5 times as long as an unknown name's).
const forgotPasswordHandler = formAction({
  guard: "none",
  path: "/forgot-password",
  schema: forgotPasswordSchema,
  values: ["identifier"],
  run: async ({ data: { identifier }, request }): Promise<ForgotState> => {
    const byIp = await windowTriesLeft(
      accountCodeKeys.sendsPerIp(request.ip),
      ACCOUNT_CODE_LIMITS.sendsPerIp,
    );
    if (byIp.left === 0) return { message: retryMessage(byIp.retryAfterSeconds) };
    // issueResetLink still claims the IP's send, so parallel requests that
    // all read a free send get this answer but never more sends than the limit.
    await afterResponse(() => issueAndSend(identifier, request));
    return { sent: true };
  },
});

// Exported as a declared function: Next.js names an action by an id that
// encodes the parameters it declares, which middleware checks posts against
// (lib/auth/form-posts.ts); a wrapper's result would declare none.
export async function forgotPasswordAction(previous: ForgotState, formData: FormData): Promise<ForgotState> {
  return forgotPasswordHandler(previous, formData);
}
