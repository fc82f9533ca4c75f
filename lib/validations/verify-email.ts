import { z } from "zod";

// /verify-email: the 8-character code of an emailed verification (DESIGN.md
// §7), typed or pre-filled from the emailed link. People type it in lower
// case, with spaces or a hyphen; the server's alphabet check is the strict one.
const CODE = "Enter the 8-character code from the email";

export const verificationCodeSchema = z
  .string({ error: CODE })
  .overwrite((value) => value.replace(/[\s-]/g, "").toUpperCase())
  .regex(/^[A-Z0-9]{8}$/, CODE);

export const verifyEmailSchema = z.object({
  code: verificationCodeSchema,
  // From the emailed link: whose code it is (not a secret) and which purpose.
  account: z.string().max(64).optional().catch(undefined),
  purpose: z.enum(["verify_email", "change_email"]).optional().catch(undefined),
});

export const resendVerificationSchema = z.object({
  purpose: z.enum(["verify_email", "change_email"]).optional().catch(undefined),
});
