// `npm run admin -- <command>`: the operator CLI on DATABASE_URL, without the
// web server. The commands are TypeScript in lib/server/operator/ (cli.ts),
// loaded through jiti (a dependency, as for scripts/lib.mjs's start-up
// check), with "server-only" resolved to the package's own entry for server
// code (its "react-server" export, empty) and "@/" to the project.
import path from "node:path";
import readline from "node:readline/promises";
import { checkProductionEnvironment, ensureClientProvider, loadProjectEnv, root } from "./lib.mjs";

const env = loadProjectEnv();
await checkProductionEnvironment(env);
ensureClientProvider(env.DATABASE_URL);

const { createJiti } = await import("jiti");
const jiti = createJiti(import.meta.url, {
  alias: { "@": root, "server-only": path.join(root, "node_modules", "server-only", "empty.js") },
  jsx: { runtime: "automatic" },
  // A cache of the transformed files of its own, in the project: jiti's
  // default may be a shared /tmp/jiti, filled by other tools with other
  // options (a JSX transform of another runtime).
  fsCache: path.join(root, "node_modules", ".cache", "jiti-admin"),
});
const { runAdmin } = await jiti.import(path.join(root, "lib", "server", "operator", "cli.ts"));
const { db, isDatabaseUnavailable } = await jiti.import(
  path.join(root, "lib", "server", "platform", "db.ts"),
);

const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
const io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  interactive,
  async confirm(question) {
    const prompt = readline.createInterface({ input: process.stdin, output: process.stdout });
    try {
      return /^y(es)?$/i.test((await prompt.question(question)).trim());
    } finally {
      prompt.close();
    }
  },
};

let code;
try {
  code = await runAdmin(process.argv.slice(2), io, db);
} catch (error) {
  // Never a stack, nor DATABASE_URL (it may hold a password): the error's
  // name and the first lines of its message (Prisma's name the query, not
  // its values).
  const message = isDatabaseUnavailable(error)
    ? "the database DATABASE_URL names does not answer (is it running, and the URL right?)"
    : error instanceof Error
      ? `${error.name}: ${error.message.trim().split("\n").slice(0, 6).join("\n")}`
      : String(error);
  process.stderr.write(`admin: ${message}\n`);
  code = 1;
} finally {
  // The client db.ts made, if a command got that far (touching `db` would make one).
  await globalThis.prisma?.$disconnect().catch(() => undefined);
}
process.exit(code);
