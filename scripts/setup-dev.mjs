// First-run setup for `npm run dev`: development secrets in .env.local (never
// in production), then the database created and migrated.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { loadProjectEnv, root } from "./lib.mjs";

const file = path.join(root, ".env.local");
const existing = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
const generators = {
  AUTH_SECRET: () => randomBytes(32).toString("base64url"),
  JWT_SECRET: () => randomBytes(48).toString("base64url"),
  TOTP_ENCRYPTION_KEY: () => randomBytes(32).toString("base64"),
};
const env = loadProjectEnv();
const missing = Object.keys(generators).filter((name) => !env[name]);
if (missing.length > 0) {
  const lines = missing.map((name) => `${name}=${generators[name]()}`);
  const header = existing ? "" : "# Development secrets, generated on first run. Never commit this file.\n";
  const separator = existing && !existing.endsWith("\n") ? "\n" : "";
  fs.writeFileSync(file, `${existing}${separator}${header}${lines.join("\n")}\n`, { mode: 0o600 });
  console.log(`Generated ${missing.join(", ")} into .env.local (development only).`);
}

await import("./migrate.mjs");
