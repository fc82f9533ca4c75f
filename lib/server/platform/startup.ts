import fs from "node:fs";
import path from "node:path";
import { EnvError, parseEnv, type EnvSource } from "./env-schema";

// Earlier versions of `npm run dev` generated their secrets into .env.local,
// which `next start` reads too, under this header and without a marker.
const LEGACY_HEADER = "# Development secrets, generated on first run";
const SECRET_NAMES = ["AUTH_SECRET", "JWT_SECRET", "TOTP_ENCRYPTION_KEY"];

function legacySecretProblems(source: EnvSource, projectDir: string): string[] {
  const file = path.join(projectDir, ".env.local");
  if (source.NODE_ENV !== "production" || !fs.existsSync(file)) return [];
  const lines = fs.readFileSync(file, "utf8").split("\n");
  if (!lines.some((line) => line.startsWith(LEGACY_HEADER))) return [];
  const generated = new Map(
    lines
      .map((line) => line.split(/=(.*)/s) as [string, string])
      .filter(([name]) => SECRET_NAMES.includes(name)),
  );
  return SECRET_NAMES.filter((name) => generated.has(name) && source[name] === generated.get(name)).map(
    (name) =>
      `  - ${name}: comes from .env.local, where an earlier \`npm run dev\` generated it for development only`,
  );
}

// The start-up check of `next start` (instrumentation.ts) and of
// scripts/migrate.mjs in production; null when the environment is fine.
export function environmentError(source: EnvSource, projectDir: string): string | null {
  const legacy = legacySecretProblems(source, projectDir);
  if (legacy.length > 0) {
    return [
      "Invalid environment:",
      ...legacy,
      "Run `npm run dev` once (it moves them to .env.development.local, which production never reads) or delete them from .env.local, then set production secrets (see .env.example).",
    ].join("\n");
  }
  try {
    parseEnv(source);
    return null;
  } catch (error) {
    if (error instanceof EnvError) return error.message;
    throw error;
  }
}

// A bad environment (in production, a missing, short or development secret)
// stops the start with a message naming the variable, instead of failing on
// first use.
export function checkEnvironmentOrExit(): void {
  const message = environmentError(process.env, process.cwd());
  if (message === null) return;
  console.error(message);
  process.exit(1);
}
