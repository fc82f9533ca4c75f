import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/browser";
import { z } from "zod";
import type { FormState } from "./form-state";

// What a passkey form's first step answers: the options the browser's
// passkey prompt needs (made by the server, with its challenge), or a
// refusal in the usual message and field errors. Its second step answers
// `done` with a message when it did not end in a redirect (a passkey added).
export type PasskeyOptions =
  | { ceremony: "create"; json: PublicKeyCredentialCreationOptionsJSON }
  | { ceremony: "get"; json: PublicKeyCredentialRequestOptionsJSON };
export type PasskeyState = FormState & { options?: PasskeyOptions; done?: boolean };

export const PASSKEY_RESPONSE_UNREADABLE = "The passkey's answer could not be read. Try again.";
// A WebAuthn response is a few hundred bytes to a few kilobytes (an
// attestation with a certificate chain is the largest).
const RESPONSE_MAX_CHARS = 16 * 1024;
const base64url = z
  .string()
  .max(RESPONSE_MAX_CHARS)
  .regex(/^[A-Za-z0-9_-]*$/);

// A JSON text whose value has `shape`; anything else is one message, since
// only a browser (or an attacker) writes this field.
function jsonField<R>(shape: z.ZodType): z.ZodType<R, string> {
  return z
    .string({ error: PASSKEY_RESPONSE_UNREADABLE })
    .max(RESPONSE_MAX_CHARS, PASSKEY_RESPONSE_UNREADABLE)
    .transform((text, context): R => {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        value = undefined;
      }
      const parsed = shape.safeParse(value);
      if (!parsed.success) {
        context.addIssue({ code: "custom", message: PASSKEY_RESPONSE_UNREADABLE });
        return z.NEVER;
      }
      // The shape checked above is @simplewebauthn's JSON type, field by field.
      return parsed.data as R;
    });
}

const credential = {
  id: base64url.min(1),
  rawId: base64url.min(1),
  type: z.literal("public-key"),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
};

// The browser's answer to "create" (@simplewebauthn/browser's startRegistration), as JSON in a field.
export const registrationResponseSchema = jsonField<RegistrationResponseJSON>(
  z.object({
    ...credential,
    response: z.object({
      clientDataJSON: base64url,
      attestationObject: base64url,
      transports: z.array(z.string().max(32)).max(8).optional(),
      authenticatorData: base64url.optional(),
      publicKey: base64url.optional(),
      publicKeyAlgorithm: z.number().int().optional(),
    }),
  }),
);

// The browser's answer to "get" (startAuthentication), as JSON in a field.
export const authenticationResponseSchema = jsonField<AuthenticationResponseJSON>(
  z.object({
    ...credential,
    response: z.object({
      clientDataJSON: base64url,
      authenticatorData: base64url,
      signature: base64url,
      userHandle: base64url.optional(),
    }),
  }),
);

export const PASSKEY_NAME_MAX = 64;
const PASSKEY_NAME = `Give the passkey a name of at most ${PASSKEY_NAME_MAX} characters`;
// Optional when adding (the server names it after the browser), required when renaming.
export const passkeyNameSchema = z.string({ error: PASSKEY_NAME }).trim().max(PASSKEY_NAME_MAX, PASSKEY_NAME);
export const renamePasskeySchema = z.object({
  passkeyId: z.string({ error: "Choose a passkey" }).min(1).max(64),
  name: passkeyNameSchema.min(1, PASSKEY_NAME),
});

// A finishing post: the browser's answer in field "response".
export const finishRegistrationSchema = z.object({
  response: registrationResponseSchema,
  name: passkeyNameSchema.optional().default(""),
});
export const finishAuthenticationSchema = z.object({ response: authenticationResponseSchema });
