/** @jest-environment node */
import { changePasswordFormSchema, reauthSchema } from "@/lib/validations/settings";

const errors = (result: {
  success: boolean;
  error?: { flatten: () => { fieldErrors: Record<string, string[] | undefined> } };
}): Record<string, string[] | undefined> =>
  result.success ? {} : (result.error?.flatten().fieldErrors ?? {});

describe("reauthSchema", () => {
  it("takes a password and a code as they are, checking only that both are there", () => {
    const result = reauthSchema.safeParse({ password: " pass word ", code: "123 456" });
    expect(result.success && result.data).toEqual({ password: " pass word ", code: "123 456" });
  });

  it("names each missing or absurd field", () => {
    expect(errors(reauthSchema.safeParse({}))).toEqual({
      password: ["Enter your password"],
      code: ["Enter a code"],
    });
    expect(errors(reauthSchema.safeParse({ password: "", code: "" }))).toEqual({
      password: ["Enter your password"],
      code: ["Enter a code"],
    });
    expect(reauthSchema.safeParse({ password: "x".repeat(1025), code: "1" }).success).toBe(false);
    expect(reauthSchema.safeParse({ password: "x", code: "1".repeat(65) }).success).toBe(false);
  });
});

describe("changePasswordFormSchema", () => {
  it("takes the current password, a code and a new password that follows the rules", () => {
    const result = changePasswordFormSchema("alice").safeParse({
      password: "old password",
      code: "123456",
      newPassword: "a fresh and long passphrase",
    });
    expect(result.success).toBe(true);
  });

  it("flags every field of an empty submit at once", () => {
    expect(Object.keys(errors(changePasswordFormSchema("alice").safeParse({}))).sort()).toEqual([
      "code",
      "newPassword",
      "password",
    ]);
  });

  it("refuses a new password that contains this user's username, in any case, and leaves common ones to the server", () => {
    const schema = changePasswordFormSchema("alice");
    const base = { password: "old password", code: "123456" };
    expect(errors(schema.safeParse({ ...base, newPassword: "my-ALICE-password" }))).toEqual({
      newPassword: ["Your password must not contain your username"],
    });
    expect(
      changePasswordFormSchema("bob").safeParse({ ...base, newPassword: "my-ALICE-password" }).success,
    ).toBe(true);
    // The common-password list is server-only (lib/server/accounts/common-passwords.ts).
    expect(schema.safeParse({ ...base, newPassword: "password123" }).success).toBe(true);
  });
});
