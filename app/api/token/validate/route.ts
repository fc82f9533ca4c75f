import { REJECTION_MESSAGES, validateAccessToken } from "@/lib/server/tokens/access-tokens";
import { apiRoute, jsonError, methodNotAllowed, readBodyWithLimit } from "@/lib/server/tokens/api";
import { API_MAX_BODY_BYTES, MESSAGES } from "@/lib/server/policy";
import { tokenValidateBodySchema } from "@/lib/validations/tokens";

export const POST = apiRoute("token-validate", async (request) => {
  const body = await readBodyWithLimit(request, API_MAX_BODY_BYTES);
  if (body === null) {
    return jsonError(413, "payload_too_large", MESSAGES.api.bodyTooLarge(API_MAX_BODY_BYTES));
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return jsonError(400, "invalid_request", MESSAGES.api.bodyNotJson);
  }
  const parsed = tokenValidateBodySchema.safeParse(json);
  if (!parsed.success) return jsonError(400, "invalid_request", MESSAGES.api.bodyNotJson);

  const verdict = await validateAccessToken(parsed.data.token);
  if (!verdict.valid) {
    return Response.json({
      valid: false,
      reason: verdict.reason,
      message: REJECTION_MESSAGES[verdict.reason],
    });
  }
  return Response.json({ valid: true, claims: { ...verdict.claims, username: verdict.user.username } });
});

export const GET = methodNotAllowed("POST");
