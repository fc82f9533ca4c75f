import { SoftwareAuthenticator } from "@/__tests__/kit/software-authenticator";
import {
  authenticationResponseSchema,
  finishRegistrationSchema,
  PASSKEY_RESPONSE_UNREADABLE,
  registrationResponseSchema,
  renamePasskeySchema,
} from "@/lib/validations/passkeys";

const creation = {
  rp: { id: "localhost", name: "Two-Factor App" },
  user: { id: "dXNlcg", name: "alice", displayName: "alice" },
  challenge: "Y2hhbGxlbmdl",
  pubKeyCredParams: [{ type: "public-key" as const, alg: -7 }],
};

function responses() {
  const authenticator = new SoftwareAuthenticator("http://localhost:3000");
  const registration = authenticator.register(creation);
  const authentication = authenticator.authenticate({ challenge: "b3RoZXI", rpId: "localhost" });
  return { registration, authentication };
}

const messageOf = (result: { success: boolean; error?: { issues: { message: string }[] } }) =>
  result.error?.issues.map((issue) => issue.message);

describe("passkey response schemas", () => {
  it("read a browser's registration and authentication answers from their JSON text", () => {
    const { registration, authentication } = responses();
    const parsedRegistration = registrationResponseSchema.safeParse(JSON.stringify(registration));
    expect(parsedRegistration.success && parsedRegistration.data.id).toBe(registration.id);
    const parsedAuthentication = authenticationResponseSchema.safeParse(JSON.stringify(authentication));
    expect(parsedAuthentication.success && parsedAuthentication.data.response.signature).toBe(
      authentication.response.signature,
    );
  });

  it.each([
    ["not JSON", "{"],
    ["JSON of another shape", JSON.stringify({ id: "x" })],
    ["a number", "42"],
    ["an empty field", ""],
  ])("answer one message for %s", (_, text) => {
    const result = registrationResponseSchema.safeParse(text);
    expect(result.success).toBe(false);
    expect(messageOf(result)).toEqual([PASSKEY_RESPONSE_UNREADABLE]);
  });

  it("refuse an authentication answer where a registration is expected, and the other way round", () => {
    const { registration, authentication } = responses();
    expect(registrationResponseSchema.safeParse(JSON.stringify(authentication)).success).toBe(false);
    expect(authenticationResponseSchema.safeParse(JSON.stringify(registration)).success).toBe(false);
  });

  it("refuse a credential type other than public-key and fields that are not base64url", () => {
    const { authentication } = responses();
    const typed = { ...authentication, type: "password" };
    expect(authenticationResponseSchema.safeParse(JSON.stringify(typed)).success).toBe(false);
    const slashed = { ...authentication, response: { ...authentication.response, signature: "a/b+c=" } };
    expect(authenticationResponseSchema.safeParse(JSON.stringify(slashed)).success).toBe(false);
  });

  it("refuse an answer past 16 KB before parsing it", () => {
    const { registration } = responses();
    const padded = JSON.stringify({ ...registration, padding: "x".repeat(17 * 1024) });
    const result = registrationResponseSchema.safeParse(padded);
    expect(messageOf(result)).toEqual([PASSKEY_RESPONSE_UNREADABLE]);
  });

  it("take an optional name with the registration and need one to rename", () => {
    const { registration } = responses();
    const finished = finishRegistrationSchema.safeParse({ response: JSON.stringify(registration) });
    expect(finished.success && finished.data.name).toBe("");
    expect(renamePasskeySchema.safeParse({ passkeyId: "p1", name: "   " }).success).toBe(false);
    expect(renamePasskeySchema.safeParse({ passkeyId: "p1", name: "x".repeat(65) }).success).toBe(false);
    const renamed = renamePasskeySchema.safeParse({ passkeyId: "p1", name: "  Laptop " });
    expect(renamed.success && renamed.data.name).toBe("Laptop");
  });
});
