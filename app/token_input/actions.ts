"use server";

import { z } from "zod";
import { REJECTION_MESSAGES, validateAccessToken } from "@/lib/server/tokens/access-tokens";
import { claimWindowTry } from "@/lib/server/platform/rate-limit";
import { ACCESS_TOKEN_MAX_LENGTH, keys, LIMITS, retryMessage } from "@/lib/server/policy";
import { getRequestContext } from "@/lib/server/platform/request-context";
import { orUnavailableForm } from "@/lib/server/platform/unavailable";
import type { FormState } from "@/lib/validations/form-state";

export type TokenCheckState = FormState & {
  verdict?: { valid: boolean; reason?: string; text: string };
};

const TokenSchema = z.object({
  token: z
    .string({ error: "Paste a token" })
    .trim()
    .min(1, "Paste a token")
    .max(ACCESS_TOKEN_MAX_LENGTH, "That is too long to be an access token"),
});

// React resets the form after its action: the pasted token comes back as the
// field's default value. It is the user's own input, shown only to them and
// never logged.
function echoToken(formData: FormData): Record<string, string> {
  const value = formData.get("token");
  return typeof value === "string" && value.length <= ACCESS_TOKEN_MAX_LENGTH ? { token: value } : {};
}

export async function validateTokenAction(
  _previous: TokenCheckState,
  formData: FormData,
): Promise<TokenCheckState> {
  const values = echoToken(formData);
  const state = await orUnavailableForm(() => checkToken(formData), {});
  return { ...state, values };
}

async function checkToken(formData: FormData): Promise<TokenCheckState> {
  const parsed = TokenSchema.safeParse({ token: formData.get("token") });
  if (!parsed.success) return { errors: z.flattenError(parsed.error).fieldErrors };
  const { ip } = await getRequestContext();
  const limit = await claimWindowTry(keys.api("token-validate", ip), LIMITS.apiPerIp);
  if (!limit.ok) return { message: retryMessage(limit.retryAfterSeconds) };

  const verdict = await validateAccessToken(parsed.data.token);
  if (!verdict.valid) {
    return { verdict: { valid: false, reason: verdict.reason, text: REJECTION_MESSAGES[verdict.reason] } };
  }
  const expires = new Date(verdict.claims.exp * 1000).toISOString();
  return {
    verdict: {
      valid: true,
      text: `Valid: an access token for ${verdict.user.username}, expires at ${expires}.`,
    },
  };
}
