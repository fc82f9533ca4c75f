/** @jest-environment node */
import type { z } from "zod";
import {
  changePasswordSchema,
  emailCodeSchema,
  emailSchema,
  fieldErrors,
  loginSchema,
  newPasswordSchema,
  newPasswordSchemaWith,
  recoveryCodeSchema,
  registerSchema,
  totpCodeSchema,
  usernameSchema,
} from "@/lib/validations/auth";

function messages(schema: z.ZodType, input: unknown): string[] {
  const result = schema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
}

describe("usernameSchema", () => {
  it("trims and lower-cases", () => {
    expect(usernameSchema.parse("  Alice.B_1-  ")).toBe("alice.b_1-");
  });

  it("accepts 3 to 32 characters", () => {
    expect(messages(usernameSchema, "ab")).toEqual(["Username must be 3 to 32 characters"]);
    expect(usernameSchema.safeParse("abc").success).toBe(true);
    expect(usernameSchema.safeParse("a".repeat(32)).success).toBe(true);
    expect(messages(usernameSchema, "a".repeat(33))).toEqual(["Username must be 3 to 32 characters"]);
    expect(messages(usernameSchema, "  ab  ")).toEqual(["Username must be 3 to 32 characters"]);
  });

  it.each(["al ice", "alice!", "ålice", "alice@example.com", "алиса"])("refuses %p", (name) => {
    expect(messages(usernameSchema, name)).toContain(
      "Use only letters, digits, dots, hyphens and underscores",
    );
  });
});

describe("emailSchema", () => {
  it("trims and lower-cases", () => {
    expect(emailSchema.parse("  Alice@Example.COM ")).toBe("alice@example.com");
  });

  it.each(["", "alice", "alice@", "@example.com", "alice@example", "a b@example.com"])(
    "refuses %p",
    (email) => {
      expect(messages(emailSchema, email)).toEqual(["Enter a valid email address"]);
    },
  );

  it("accepts at most 254 characters", () => {
    const at254 = `${"a".repeat(64)}@${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(57)}.com`;
    expect(at254).toHaveLength(254);
    expect(emailSchema.safeParse(at254).success).toBe(true);
    expect(messages(emailSchema, `a${at254}`)).toEqual(["Enter a valid email address"]);
  });
});

describe("newPasswordSchema", () => {
  it("accepts 8 to 128 characters", () => {
    expect(messages(newPasswordSchema, "kq7#vbz")).toEqual(["Password must be at least 8 characters"]);
    expect(newPasswordSchema.safeParse("kq7#vbzm").success).toBe(true);
    expect(newPasswordSchema.safeParse("kq7#vbzm".repeat(16)).success).toBe(true);
    expect(messages(newPasswordSchema, `${"kq7#vbzm".repeat(16)}x`)).toEqual([
      "Password must be at most 128 characters",
    ]);
  });

  it("counts an emoji as one character", () => {
    expect(messages(newPasswordSchema, "🦊".repeat(7))).toEqual(["Password must be at least 8 characters"]);
    expect(newPasswordSchema.safeParse("🦊".repeat(8)).success).toBe(true);
    expect(newPasswordSchema.safeParse("🦊".repeat(128)).success).toBe(true);
    expect(messages(newPasswordSchema, "🦊".repeat(129))).toEqual([
      "Password must be at most 128 characters",
    ]);
  });

  it("has no composition rules and keeps spaces", () => {
    expect(newPasswordSchema.parse("  all lower case words  ")).toBe("  all lower case words  ");
    expect(newPasswordSchema.safeParse("пароль-для-входа").success).toBe(true);
  });

  it("leaves the common-password list to the server (lib/server/accounts/common-passwords.ts)", () => {
    expect(newPasswordSchema.safeParse("password1").success).toBe(true);
    const isCommon = (password: string) => password === "password1";
    expect(messages(newPasswordSchemaWith(isCommon), "password1")).toEqual([
      "This password is too common. Choose a longer or less predictable one.",
    ]);
  });
});

describe("registerSchema", () => {
  const valid = { username: " Alice_Smith ", email: "Alice@Example.com", password: "river tulip orbit" };

  it("returns normalised values", () => {
    expect(registerSchema.parse(valid)).toEqual({
      username: "alice_smith",
      email: "alice@example.com",
      password: "river tulip orbit",
    });
  });

  it.each(["alice_smith", "ALICE_SMITH", "my-Alice_Smith-2024"])("refuses the password %p", (password) => {
    const result = registerSchema.safeParse({ ...valid, password });
    expect(result.success).toBe(false);
    expect(fieldErrors(result.error!)).toEqual({
      password: ["Your password must not contain your username"],
    });
  });

  it("reports field errors when the username itself is invalid", () => {
    const result = registerSchema.safeParse({ ...valid, username: "a!", password: "xa!x-long-enough" });
    expect(result.success).toBe(false);
    expect(Object.keys(fieldErrors(result.error!))).toEqual(["username"]);
  });

  it("checks the password against the username even when the email is invalid", () => {
    const result = registerSchema.safeParse({ ...valid, email: "nope", password: "alice_smith!!" });
    expect(fieldErrors(result.error!)).toEqual({
      email: ["Enter a valid email address"],
      password: ["Your password must not contain your username"],
    });
  });

  it("reports every missing field", () => {
    const result = registerSchema.safeParse({});
    expect(Object.keys(fieldErrors(result.error!)).sort()).toEqual(["email", "password", "username"]);
  });
});

describe("changePasswordSchema", () => {
  const schema = changePasswordSchema("alice_smith");

  it("accepts a new password under the registration rules", () => {
    expect(schema.parse({ newPassword: "river tulip orbit" })).toEqual({ newPassword: "river tulip orbit" });
  });

  it.each([
    ["too short", "short", ["Password must be at least 8 characters"]],
    ["too long", "x".repeat(129), ["Password must be at most 128 characters"]],
    ["the username", "ALICE_SMITH", ["Your password must not contain your username"]],
    ["containing the username", "my-alice_smith-2024", ["Your password must not contain your username"]],
  ])("refuses a password that is %s", (_name, newPassword, expected) => {
    expect(messages(schema, { newPassword })).toEqual(expected);
  });

  it("fails without throwing on input of any type", () => {
    for (const newPassword of [undefined, null, 42, {}, new File(["x"], "x.txt"), "\u0000\uD800🦊"]) {
      expect(schema.safeParse({ newPassword }).success).toBe(false);
    }
    expect(schema.safeParse(null).success).toBe(false);
  });
});

describe("loginSchema", () => {
  it("trims and lower-cases the identifier but not the password", () => {
    expect(loginSchema.parse({ identifier: " Alice@Example.com ", password: " Pw " })).toEqual({
      identifier: "alice@example.com",
      password: " Pw ",
    });
  });

  it("does not check for common passwords", () => {
    expect(loginSchema.safeParse({ identifier: "alice", password: "password1" }).success).toBe(true);
  });

  it("asks for both fields", () => {
    const result = loginSchema.safeParse({ identifier: "   ", password: "" });
    expect(fieldErrors(result.error!)).toEqual({
      identifier: ["Enter your username or email"],
      password: ["Enter your password"],
    });
  });

  it("accepts passwords up to 128 code points", () => {
    expect(loginSchema.safeParse({ identifier: "alice", password: "🦊".repeat(128) }).success).toBe(true);
    const result = loginSchema.safeParse({ identifier: "a".repeat(255), password: "🦊".repeat(129) });
    expect(fieldErrors(result.error!)).toEqual({
      identifier: ["Enter your username or email"],
      password: ["Password must be at most 128 characters"],
    });
  });
});

describe.each([
  ["totpCodeSchema", totpCodeSchema, "Enter the 6-digit code from your authenticator app"],
  ["emailCodeSchema", emailCodeSchema, "Enter the 6-digit code from the email"],
])("%s", (_name, schema, message) => {
  it.each(["123456", "123 456", " 123456\n", "1 2 3 4 5 6"])("accepts %p", (code) => {
    expect(schema.parse(code)).toBe("123456");
  });

  it.each(["12345a", "12345", "1234567", "", "123-456", "１２３４５６", "١٢٣٤٥٦"])("refuses %p", (code) => {
    expect(messages(schema, code)).toEqual([message]);
  });
});

describe("recoveryCodeSchema", () => {
  const message = "Enter one of your recovery codes, like ABCD-EFGH-IJKL-MNOP";

  it.each(["ABCD-EFGH-IJKL-MNOP", "abcd-efgh-ijkl-mnop", " abcd efgh ijkl mnop ", "ABCDEFGHIJKLMNOP"])(
    "accepts and normalises %p",
    (code) => {
      expect(recoveryCodeSchema.parse(code)).toBe("ABCDEFGHIJKLMNOP");
    },
  );

  it.each(["ABCD-EFGH-IJKL-MNO", "ABCD-EFGH-IJKL-MNOPQ", "ABCD-EFGH-IJKL-MN01", "ABCD-EFGH-IJKL-MN8!", ""])(
    "refuses %p",
    (code) => {
      expect(messages(recoveryCodeSchema, code)).toEqual([message]);
    },
  );
});

describe("any input", () => {
  const huge = "a".repeat(10_000);
  const badValues: unknown[] = [
    undefined,
    null,
    42,
    true,
    {},
    ["123456"],
    huge,
    `${"7".repeat(9_999)} `,
    new File(["123456"], "code.txt"),
  ];
  const fieldSchemas = {
    usernameSchema,
    emailSchema,
    newPasswordSchema,
    totpCodeSchema,
    emailCodeSchema,
    recoveryCodeSchema,
  };

  it.each(Object.entries(fieldSchemas))("%s fails without throwing", (_name, schema) => {
    for (const value of [...badValues, "\u0000\uD800🦊"]) {
      const result = schema.safeParse(value);
      expect(result.success).toBe(false);
      expect(result.error?.issues.length).toBeGreaterThan(0);
    }
  });

  it.each([
    ["registerSchema", registerSchema, ["username", "email", "password"]],
    ["loginSchema", loginSchema, ["identifier", "password"]],
  ] as const)("%s fails without throwing", (_name, schema, fields) => {
    for (const value of badValues) {
      expect(schema.safeParse(value).success).toBe(false);
      const form = Object.fromEntries(fields.map((field) => [field, value]));
      const result = schema.safeParse(form);
      expect(result.success).toBe(false);
      expect(Object.keys(fieldErrors(result.error!)).length).toBeGreaterThan(0);
    }
  });
});
