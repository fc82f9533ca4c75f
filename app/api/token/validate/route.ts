import { z } from "zod";
import { REJECTION_MESSAGES, validateAccessToken } from "@/lib/server/tokens/access-tokens";
import { apiRoute, jsonError, methodNotAllowed, readBodyWithLimit } from "@/lib/server/tokens/api";

const MAX_BODY_BYTES = 8 * 1024;
const BodySchema = z.object({ token: z.string().max(4096) });

export const POST = apiRoute("token-validate", async (request) => {
  const body = await readBodyWithLimit(request, MAX_BODY_BYTES);
  if (body === null) {
    return jsonError(413, "payload_too_large", `The body must be at most ${MAX_BODY_BYTES} bytes.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return jsonError(400, "invalid_request", 'The body must be JSON: { "token": "..." }.');
  }
  const parsed = BodySchema.safeParse(json);
  if (!parsed.success) return jsonError(400, "invalid_request", 'The body must be JSON: { "token": "..." }.');

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
