"use server";

import { revalidatePath } from "next/cache";
import { signOut } from "@/auth";
import { recordSecurityEvent } from "@/lib/server/accounts/events";
import { describeBrowser, describeIp } from "@/lib/server/platform/request-labels";
import { SESSIONS_AND_TOKENS_MESSAGES as MESSAGES } from "@/lib/server/policy";
import { formAction } from "@/lib/server/sign-in/action";
import { endSessionOf } from "@/lib/server/sign-in/sessions";
import { revokeAccessToken } from "@/lib/server/tokens/access-tokens";
import type { FormState } from "@/lib/validations/form-state";
import { endSessionSchema, revokeAccessTokenSchema } from "@/lib/validations/sessions";

// The Sessions and Access tokens sections of /settings/security (DESIGN.md
// §4 "Sessions and tokens"): each session signed out on its own, each token
// revoked on its own. Neither needs re-authentication, as "Sign out" does not.
const SETTINGS_PATH = "/settings/security";

export type RevokeState = FormState & { done?: boolean };

// Ending this browser's own session signs it out, as the header's "Sign out".
export async function endSessionAction(previous: RevokeState, formData: FormData): Promise<RevokeState> {
  return formAction({
    guard: "session",
    path: SETTINGS_PATH,
    schema: endSessionSchema,
    run: async ({ user, session, data: { sessionId }, request }): Promise<RevokeState> => {
      const ended = await endSessionOf(user.id, sessionId);
      if (!ended) return { message: MESSAGES.sessionGone };
      const current = sessionId === session.sessionId;
      // The event names the session that ended; its IP and browser are the request's.
      const detail = `${describeBrowser(ended.userAgent)}, ${describeIp(ended.ip)}`;
      await recordSecurityEvent(user.id, "session_revoked", request, detail);
      if (current) await signOut({ redirectTo: "/login?signedOut=1" });
      revalidatePath(SETTINGS_PATH);
      return { done: true, message: MESSAGES.sessionEnded };
    },
  })(previous, formData);
}

export async function revokeAccessTokenAction(
  previous: RevokeState,
  formData: FormData,
): Promise<RevokeState> {
  return formAction({
    guard: "session",
    path: SETTINGS_PATH,
    schema: revokeAccessTokenSchema,
    run: async ({ user, data: { jti }, request }): Promise<RevokeState> => {
      if (!(await revokeAccessToken(user.id, jti))) return { message: MESSAGES.tokenGone };
      await recordSecurityEvent(user.id, "access_token_revoked", request);
      revalidatePath(SETTINGS_PATH);
      return { done: true, message: MESSAGES.tokenRevoked };
    },
  })(previous, formData);
}
