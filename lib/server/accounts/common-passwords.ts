import "server-only";
import fs from "node:fs";
import path from "node:path";

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
