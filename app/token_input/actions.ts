"use server";

import { REJECTION_MESSAGES, validateAccessToken } from "@/lib/server/tokens/access-tokens";
import { claimWindowTry } from "@/lib/server/platform/rate-limit";
import { ACCESS_TOKEN_MAX_LENGTH, keys, LIMITS } from "@/lib/server/policy";
import { formAction } from "@/lib/server/sign-in/action";
import type { FormState } from "@/lib/validations/form-state";
import { tokenCheckSchema } from "@/lib/validations/tokens";

export type TokenCheckState = FormState & {
  verdict?: { valid: boolean; reason?: string; text: string };
};

// React resets the form after its action: the pasted token comes back as the
// field's default value. It is the user's own input, shown only to them and
// never logged.
function echoToken(formData: FormData): Record<string, string> {
  const value = formData.get("token");
  return typeof value === "string" && value.length <= ACCESS_TOKEN_MAX_LENGTH ? { token: value } : {};
}

export async function validateTokenAction(
  previous: TokenCheckState,
  formData: FormData,
): Promise<TokenCheckState> {
  return formAction({
    guard: "none",
    path: "/token_input",
    schema: tokenCheckSchema,
    values: echoToken,
    limits: ({ request }) => claimWindowTry(keys.api("token-validate", request.ip), LIMITS.apiPerIp),
    run: async ({ data: { token } }): Promise<TokenCheckState> => {
      const verdict = await validateAccessToken(token);
      if (!verdict.valid) {
        return {
          verdict: { valid: false, reason: verdict.reason, text: REJECTION_MESSAGES[verdict.reason] },
        };
      }
      const expires = new Date(verdict.claims.exp * 1000).toISOString();
      return {
        verdict: {
          valid: true,
          text: `Valid: an access token for ${verdict.user.username}, expires at ${expires}.`,
        },
      };
    },
  })(previous, formData);
}
