/** @jest-environment node */
import fs from "node:fs";
import path from "node:path";

// __tests__/ mirrors the source tree (docs/ARCHITECTURE.md "The test kit"):
// every module of lib/server/ has its own test file at the same path, so
// lib/server/<folder>/<module>.ts is tested by
// __tests__/lib/server/<folder>/<module>.test.ts.
const root = path.resolve(__dirname, "..");

function modulesUnder(folder: string): string[] {
  return fs.readdirSync(path.join(root, folder), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === "data" ? [] : modulesUnder(relative);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [relative] : [];
  });
}

const mirrorTest = (module: string): string =>
  path.posix.join("__tests__", module.replace(/\.ts$/, ".test.ts"));

describe("the test tree", () => {
  const modules = modulesUnder("lib/server");

  it("finds the server modules it checks (lib/server/**/*.ts, without data/)", () => {
    expect(modules).toContain("lib/server/policy.ts");
    expect(modules).toContain("lib/server/platform/db.ts");
    expect(modules.some((module) => module.includes("/data/"))).toBe(false);
  });

  it("has a test file at the mirror path of every lib/server module", () => {
    const missing = modules.map(mirrorTest).filter((test) => !fs.existsSync(path.join(root, test)));
    expect(missing).toEqual([]);
  });
});
