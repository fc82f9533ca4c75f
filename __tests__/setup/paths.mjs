import path from "node:path";

// One folder per test run (so that runs side by side never meet), one SQLite
// file per jest worker inside it.
export const root = path.resolve(import.meta.dirname, "..", "..");
export const runDir = path.join(root, ".tmp", "jest", `run-${process.pid}`);
export const templateDb = path.join(runDir, "template.db");
