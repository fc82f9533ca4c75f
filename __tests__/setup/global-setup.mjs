import fs from "node:fs";
import { prismaOutput } from "../../scripts/lib.mjs";
import { runDir, templateDb } from "./paths.mjs";

// Migrates a template database once per run; each worker copies it
// (__tests__/setup/env.ts). Workers find the folder through JEST_RUN_DIR.
export default function globalSetup() {
  fs.mkdirSync(runDir, { recursive: true });
  const { NODE_OPTIONS: _ignored, ...env } = process.env;
  prismaOutput(["migrate", "deploy"], { ...env, DATABASE_URL: `file:${templateDb}` });
  process.env.JEST_RUN_DIR = runDir;
}
