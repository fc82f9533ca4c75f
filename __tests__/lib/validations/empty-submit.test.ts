/** @jest-environment node */
import { fieldErrors, loginSchema, registerSchema } from "@/lib/validations/auth";
import { changePasswordFormSchema, reauthSchema } from "@/lib/validations/settings";

// An empty submit posts every field as "" (or leaves it out): each required
// field gets its own message, not only the first one checked.
const empty = (names: string[]) => Object.fromEntries(names.map((name) => [name, ""]));

describe("an empty submit", () => {
  it.each([
    ["register", registerSchema, ["username", "email", "password"]],
    ["sign in", loginSchema, ["identifier", "password"]],
    ["re-authenticate in settings", reauthSchema, ["password", "code"]],
    ["change the password", changePasswordFormSchema("ada"), ["password", "code", "newPassword"]],
  ] as const)("flags every field of %s", (_form, schema, names) => {
    for (const input of [empty([...names]), {}]) {
      const parsed = schema.safeParse(input);
      expect(parsed.success).toBe(false);
      if (!parsed.success) expect(Object.keys(fieldErrors(parsed.error)).sort()).toEqual([...names].sort());
    }
  });
});
