import "server-only";
import fs from "node:fs";
import path from "node:path";
import { registerSchemaWith } from "@/lib/validations/auth";
import { changePasswordFormSchema } from "@/lib/validations/settings";

// 26,369 common passwords of 8 or more characters (shorter ones fail the
// length rule anyway), lower-cased and de-duplicated: see
// lib/server/accounts/data/README.md for the sources and their licences.
const LIST_PATH = path.join(process.cwd(), "lib/server/accounts/data/common-passwords.txt");

let commonPasswords: Set<string> | undefined;

function loadCommonPasswords(): Set<string> {
  if (!commonPasswords) {
    const lines = fs.readFileSync(LIST_PATH, "utf8").split(/\r?\n/);
    commonPasswords = new Set(lines.filter((line) => line.length > 0).map((line) => line.toLowerCase()));
  }
  return commonPasswords;
}

export function isCommonPassword(password: string): boolean {
  return loadCommonPasswords().has(password.toLowerCase());
}

export function commonPasswordCount(): number {
  return loadCommonPasswords().size;
}

// The new-password forms as the server checks them: lib/validations/'s
// schemas with this list's check, which refuses a common password next to
// its field, in the schema's order of checks.
export const registerFormSchema = registerSchemaWith(isCommonPassword);

export function changePasswordFormSchemaFor(username: string) {
  return changePasswordFormSchema(username, isCommonPassword);
}
