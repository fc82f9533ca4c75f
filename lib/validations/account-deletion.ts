import { z } from "zod";

// The hidden field of "Delete my account permanently": the proof that the
// step before it (password and current code) answered. Only a browser, or an
// attacker, writes it; lib/server/accounts/deletion-proof.ts checks it.
export const DELETION_PROOF_MISSING = "Enter your password and a current code first.";

export const confirmAccountDeletionSchema = z.object({
  proof: z
    .string({ error: DELETION_PROOF_MISSING })
    .min(1, DELETION_PROOF_MISSING)
    .max(100, DELETION_PROOF_MISSING),
});
