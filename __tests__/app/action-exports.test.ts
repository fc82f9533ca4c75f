/** @jest-environment node */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

// Next.js names a server action by an id that encodes the parameters its
// exported function declares, and middleware refuses posts that do not fit
// them (lib/auth/form-posts.ts). A wrapper's result exported as a const
// declares none, so every "use server" file exports declared functions.
function serverActionFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return serverActionFiles(full);
    if (!/\.tsx?$/.test(entry.name)) return [];
    return /^\s*["']use server["']/.test(readFileSync(full, "utf8")) ? [full] : [];
  });
}

const files = serverActionFiles(path.join(process.cwd(), "app"));

describe("server action files", () => {
  it("are found", () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  it.each(files.map((file) => [path.relative(process.cwd(), file), file]))(
    "%s exports only declared async functions and types",
    (_name, file) => {
      const source = readFileSync(file, "utf8");
      const exports = source.match(/^export\s+(?!type\b|async function\b)\S+.*$/gm) ?? [];
      expect(exports).toEqual([]);
    },
  );
});
