import { REJECTION_MESSAGES, validateAccessToken } from "@/lib/server/tokens/access-tokens";
import { apiRoute, jsonError, methodNotAllowed } from "@/lib/server/tokens/api";
import { MESSAGES } from "@/lib/server/policy";

// RFC 6750: the bearer token comes only from the Authorization header; a
// session cookie is never taken as a credential here.
export const GET = apiRoute("me", async (request) => {
  const header = request.headers.get("authorization") ?? "";
  const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  if (!token) {
    return jsonError(401, "invalid_request", MESSAGES.api.bearerMissing, {
      "WWW-Authenticate": 'Bearer realm="api"',
    });
  }
  const verdict = await validateAccessToken(token, Date.now(), { use: true });
  if (!verdict.valid) {
    return jsonError(401, "invalid_token", REJECTION_MESSAGES[verdict.reason], {
      "WWW-Authenticate": `Bearer realm="api", error="invalid_token", error_description="${verdict.reason}"`,
    });
  }
  const { user, claims } = verdict;
  return Response.json({
    id: user.id,
    username: user.username,
    email: user.email,
    twoFactorMethod: user.twoFactorMethod,
    createdAt: user.createdAt.toISOString(),
    token: { jti: claims.jti, expiresAt: new Date(claims.exp * 1000).toISOString() },
  });
});

export const POST = methodNotAllowed("GET");
