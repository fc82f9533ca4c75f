/** @jest-environment node */
import { fieldErrors } from "@/lib/validations/auth";
import {
  forgotPasswordSchema,
  resetFactorSchema,
  resetPasswordSchema,
  resetTokenFormSchema,
} from "@/lib/validations/password-reset";

describe("forgotPasswordSchema", () => {
  it("reads a name or email as the sign-in form does, and flags an empty one", () => {
    expect(forgotPasswordSchema.parse({ identifier: "  Ada@Example.TEST " })).toEqual({
      identifier: "ada@example.test",
    });
    expect(fieldErrors(forgotPasswordSchema.safeParse({}).error!)).toEqual({
      identifier: ["Enter your username or email"],
    });
  });
});

describe("resetFactorSchema", () => {
  it.each([
    [
      { token: "t", method: "totp", code: "123 456" },
      { token: "t", method: "totp", code: "123456" },
    ],
    [
      { token: "t", method: "recovery", code: "abcd-efgh-ijkl-mnop" },
      { token: "t", method: "recovery", code: "ABCDEFGHIJKLMNOP" },
    ],
    [
      { token: "t", method: "none" },
      { token: "t", method: "none" },
    ],
  ])("reads %p", (input, expected) => {
    expect(resetFactorSchema.parse(input)).toEqual(expected);
  });

  it.each([
    { token: "t" },
    { token: "t", method: "email", code: "123456" },
    { token: "t", method: ["totp"] },
  ])("asks for a way to verify, next to the code, when the method is %p", (input) => {
    expect(fieldErrors(resetFactorSchema.safeParse(input).error!)).toEqual({
      code: ["Choose a way to verify"],
    });
  });

  it("says a missing token is not a valid link", () => {
    expect(fieldErrors(resetFactorSchema.safeParse({ method: "totp", code: "123456" }).error!)).toEqual({
      token: ["This reset link is not valid. Ask for a new one."],
    });
    expect(resetTokenFormSchema.safeParse({ token: "x".repeat(257) }).success).toBe(false);
  });
});

describe("resetPasswordSchema", () => {
  it("holds the registration rules for the account's username", () => {
    const schema = resetPasswordSchema("ada", (password) => password === "password123");
    expect(schema.parse({ newPassword: "a long new passphrase" })).toEqual({
      newPassword: "a long new passphrase",
    });
    expect(fieldErrors(schema.safeParse({ newPassword: "short" }).error!).newPassword).toEqual([
      "Password must be at least 8 characters",
    ]);
    expect(fieldErrors(schema.safeParse({ newPassword: "password123" }).error!).newPassword).toEqual([
      "This password is too common. Choose a longer or less predictable one.",
    ]);
    expect(fieldErrors(schema.safeParse({ newPassword: "i am ADA here" }).error!).newPassword).toEqual([
      "Your password must not contain your username",
    ]);
  });
});
