/** @jest-environment node */
import { fieldErrors, setupCodeSchemas, verifySchema } from "@/lib/validations/auth";
import { reenrolCodeSchema } from "@/lib/validations/settings";
import { tokenCheckSchema, tokenValidateBodySchema } from "@/lib/validations/tokens";

// The schemas the actions parse their forms with (formerly inline in app/).
describe("verifySchema", () => {
  it.each([
    [
      { method: "totp", code: " 123 456 " },
      { method: "totp", code: "123456" },
    ],
    [
      { method: "recovery", code: "abcd-efgh-ijkl-mnop" },
      { method: "recovery", code: "ABCDEFGHIJKLMNOP" },
    ],
    [
      { method: "email", code: "654321" },
      { method: "email", code: "654321" },
    ],
  ])("reads %p", (input, expected) => {
    expect(verifySchema.parse(input)).toEqual(expected);
  });

  it.each([{}, { code: "123456" }, { method: "sms", code: "123456" }, { method: ["totp"], code: "123456" }])(
    "asks for a way to verify, next to the code, when the method is %p",
    (input) => {
      expect(fieldErrors(verifySchema.safeParse(input).error!)).toEqual({ code: ["Choose a way to verify"] });
    },
  );

  it("reports a code that does not fit the chosen method next to the code", () => {
    expect(fieldErrors(verifySchema.safeParse({ method: "recovery", code: "123456" }).error!)).toEqual({
      code: ["Enter one of your recovery codes, like ABCD-EFGH-IJKL-MNOP"],
    });
  });
});

describe("setupCodeSchemas", () => {
  it("takes the first code of an authenticator app or of an email", () => {
    expect(setupCodeSchemas.totp.parse({ code: "123 456" })).toEqual({ code: "123456" });
    expect(fieldErrors(setupCodeSchemas.email.safeParse({}).error!)).toEqual({
      code: ["Enter the 6-digit code from the email"],
    });
  });
});

describe("reenrolCodeSchema", () => {
  it("takes the new app's code as newCode", () => {
    expect(reenrolCodeSchema.parse({ newCode: "123456" })).toEqual({ newCode: "123456" });
    expect(fieldErrors(reenrolCodeSchema.safeParse({ newCode: "12" }).error!)).toEqual({
      newCode: ["Enter the 6-digit code from your authenticator app"],
    });
  });
});

describe("tokenCheckSchema", () => {
  it("trims a pasted token and refuses an empty or over-long one", () => {
    expect(tokenCheckSchema.parse({ token: "  a.b.c \n" })).toEqual({ token: "a.b.c" });
    expect(fieldErrors(tokenCheckSchema.safeParse({ token: "   " }).error!)).toEqual({
      token: ["Paste a token"],
    });
    expect(fieldErrors(tokenCheckSchema.safeParse({}).error!)).toEqual({ token: ["Paste a token"] });
    expect(fieldErrors(tokenCheckSchema.safeParse({ token: "x".repeat(4097) }).error!)).toEqual({
      token: ["That is too long to be an access token"],
    });
  });

  it("has the API's body schema take the same longest token", () => {
    expect(tokenValidateBodySchema.safeParse({ token: "x".repeat(4096) }).success).toBe(true);
    expect(tokenValidateBodySchema.safeParse({ token: "x".repeat(4097) }).success).toBe(false);
    expect(tokenValidateBodySchema.safeParse({ token: 42 }).success).toBe(false);
  });
});
