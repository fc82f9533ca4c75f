import fs from "node:fs";
import { prismaOutput } from "../../scripts/lib.mjs";
import { runDir, templateDb } from "./paths.mjs";

// Migrates a template database once per run; each worker copies it.
export default function globalSetup() {
  fs.rmSync(runDir, { recursive: true, force: true });
  fs.mkdirSync(runDir, { recursive: true });
  const { NODE_OPTIONS: _ignored, ...env } = process.env;
  prismaOutput(["migrate", "deploy"], { ...env, DATABASE_URL: `file:${templateDb}` });
}
