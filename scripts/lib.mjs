// Helpers shared by the project's scripts (plain Node, no build step).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import nextEnv from "@next/env";

export const root = path.resolve(import.meta.dirname, "..");
export const DEFAULT_DATABASE_URL = "file:./data/app.db";

// Loads .env files the way Next.js does, so scripts see what the app sees.
export function loadProjectEnv() {
  nextEnv.loadEnvConfig(root, process.env.NODE_ENV !== "production", { info() {}, error: console.error });
  process.env.DATABASE_URL ||= DEFAULT_DATABASE_URL;
  return process.env;
}

export function isPostgres(url) {
  return /^postgres(ql)?:\/\//.test(url);
}

// In production, the check `next start` makes at start-up
// (lib/server/platform/startup.ts, TypeScript, loaded through jiti), made before
// anything else: a bad environment exits here, before any migration and
// before `next start` prints "Ready".
export async function checkProductionEnvironment(env = process.env) {
  if (env.NODE_ENV !== "production") return;
  const { createJiti } = await import("jiti");
  const jiti = createJiti(import.meta.url, { alias: { "@": root } });
  const { checkEnvironmentOrExit } = await jiti.import(
    path.join(root, "lib", "server", "platform", "startup.ts"),
  );
  checkEnvironmentOrExit();
}

// Prisma prints this on every command while the schema keeps `url`, which its
// CLI still needs with a driver adapter: without it, it downloads its engine.
const ADAPTER_URL_WARNING =
  "WARNING: Your schema specifies the following datasource properties but you are using a Driver Adapter via prisma.config.ts:\n" +
  "- url\n\nThe values from your schema will NOT be used!\n\n" +
  "We recommend you to remove those properties from your schema to avoid confusion if you are only using driver adapters.\n";

export function withoutAdapterUrlWarning(output) {
  return output.replace(`\n${ADAPTER_URL_WARNING}`, "").replace(ADAPTER_URL_WARNING, "");
}

// Runs the Prisma CLI from node_modules, failing loudly; passes its output
// through but for the known warning above.
export function prisma(args, env = process.env) {
  const bin = path.join(root, "node_modules", "prisma", "build", "index.js");
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    env,
    stdio: ["inherit", "pipe", "pipe"],
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  // Its stderr carries what it prints first ("Loaded Prisma config ...").
  process.stderr.write(result.stderr ?? "");
  process.stdout.write(withoutAdapterUrlWarning(result.stdout ?? ""));
  if (result.status !== 0) {
    throw new Error(`prisma ${args.join(" ")} failed with exit code ${result.status}`);
  }
}

export function prismaOutput(args, env = process.env) {
  const bin = path.join(root, "node_modules", "prisma", "build", "index.js");
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: root, env, encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`prisma ${args.join(" ")} failed:\n${result.stderr}`);
  }
  return result.stdout;
}

export function sqliteFile(url) {
  return path.resolve(root, url.replace(/^file:/, ""));
}

// better-sqlite3 creates the database file but not its folder.
export function ensureSqliteFolder(url) {
  if (!isPostgres(url)) fs.mkdirSync(path.dirname(sqliteFile(url)), { recursive: true });
}

// The generated client is built for one provider; regenerate it when the
// configured database is of the other kind. It is looked up the way the app's
// `@prisma/client` finds it, so a resolution hook that points the app at
// another client (__tests__/kit/prisma-client-pg-hook.cjs in the
// PostgreSQL test runs) is followed here too.
export function ensureClientProvider(url) {
  const wanted = isPostgres(url) ? "postgresql" : "sqlite";
  let generated;
  try {
    generated = createRequire(path.join(root, "package.json")).resolve(".prisma/client/schema.prisma");
  } catch {
    generated = path.join(root, "node_modules", ".prisma", "client", "schema.prisma");
  }
  const current = fs.existsSync(generated) ? fs.readFileSync(generated, "utf8") : "";
  if (!current.includes(`provider = "${wanted}"`)) prisma(["generate"]);
}
