/** @jest-environment node */
import type { z } from "zod";
import {
  changePasswordFormSchemaFor,
  commonPasswordCount,
  isCommonPassword,
  registerFormSchema,
} from "@/lib/server/accounts/common-passwords";
import { fieldErrors } from "@/lib/validations/auth";

// Moved from __tests__/lib/validations/auth.test.ts with the check itself:
// lib/validations/ is pure, and the server's forms apply the list.
const TOO_COMMON = "This password is too common. Choose a longer or less predictable one.";

function messages(schema: z.ZodType, input: unknown): string[] {
  const result = schema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
}

describe("the common-password list", () => {
  it("ships a list of at least 10,000 common passwords", () => {
    expect(commonPasswordCount()).toBeGreaterThanOrEqual(10_000);
    expect(isCommonPassword("Password")).toBe(true);
    expect(isCommonPassword("correct horse battery staple")).toBe(false);
  });

  it("knows common passwords whatever their case", () => {
    expect(isCommonPassword("password")).toBe(true);
    expect(isCommonPassword("PassWord")).toBe(true);
    expect(isCommonPassword("12345678")).toBe(true);
    expect(isCommonPassword("QWERTYUIOP")).toBe(true);
  });

  it("does not flag an uncommon password, nor the empty string", () => {
    expect(isCommonPassword("correct horse battery staple 7f3a")).toBe(false);
    expect(isCommonPassword("")).toBe(false);
  });
});

describe("registerFormSchema", () => {
  const form = { username: "alice_smith", email: "alice@example.test" };

  it.each(["password1", "qwertyuiop", "PassWord1", "QWERTYUIOP", "12345678"])(
    "refuses the common %p",
    (password) => {
      expect(messages(registerFormSchema, { ...form, password })).toEqual([TOO_COMMON]);
    },
  );

  it("reports a common password next to the field, with the other fields' errors", () => {
    const result = registerFormSchema.safeParse({ ...form, email: "nope", password: "password1" });
    expect(fieldErrors(result.error!)).toEqual({
      email: ["Enter a valid email address"],
      password: [TOO_COMMON],
    });
  });

  it("accepts a password that is not on the list", () => {
    expect(registerFormSchema.safeParse({ ...form, password: "river tulip orbit" }).success).toBe(true);
  });
});

describe("changePasswordFormSchemaFor", () => {
  const schema = changePasswordFormSchemaFor("alice_smith");
  const form = { password: "the current one", code: "123456" };

  it("refuses a new password that is common", () => {
    expect(fieldErrors(schema.safeParse({ ...form, newPassword: "password1" }).error!)).toEqual({
      newPassword: [TOO_COMMON],
    });
  });

  it("accepts a new password that is not on the list", () => {
    expect(schema.safeParse({ ...form, newPassword: "river tulip orbit" }).success).toBe(true);
  });
});
