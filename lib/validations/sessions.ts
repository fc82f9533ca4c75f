import { z } from "zod";

// The hidden fields of "Sign out" (one session) and "Revoke" (one access
// token) in /settings/security; only a browser (or an attacker) writes them.
export const SESSION_OR_TOKEN_UNKNOWN = "That session or token is not one of yours.";
const id = z
  .string({ error: SESSION_OR_TOKEN_UNKNOWN })
  .min(1, SESSION_OR_TOKEN_UNKNOWN)
  .max(100, SESSION_OR_TOKEN_UNKNOWN);

export const endSessionSchema = z.object({ sessionId: id });
export const revokeAccessTokenSchema = z.object({ jti: id });
