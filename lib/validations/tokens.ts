import { z } from "zod";
import { ACCESS_TOKEN_MAX_LENGTH } from "@/lib/policy-constants";

// /token_input: a pasted access token, checked by lib/server/tokens/access-tokens.ts.
export const tokenCheckSchema = z.object({
  token: z
    .string({ error: "Paste a token" })
    .trim()
    .min(1, "Paste a token")
    .max(ACCESS_TOKEN_MAX_LENGTH, "That is too long to be an access token"),
});

// POST /api/token/validate's JSON body; any failure has the one API message.
export const tokenValidateBodySchema = z.object({ token: z.string().max(ACCESS_TOKEN_MAX_LENGTH) });
