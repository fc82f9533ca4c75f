// First-run setup for `npm run dev`: development secrets in
// .env.development.local (read only by `next dev`, refused by production),
// then the database created and migrated.
import { DEV_SECRETS_FILE, moveLegacySecrets, writeDevSecrets } from "./dev-secrets.mjs";
import { loadProjectEnv, root } from "./lib.mjs";

const moved = moveLegacySecrets(root);
if (moved.length > 0) {
  console.log(
    `Moved ${moved.join(", ")} from .env.local to ${DEV_SECRETS_FILE}: \`next start\` reads .env.local, and these are for development only.`,
  );
}
const generated = writeDevSecrets(root, loadProjectEnv());
if (generated.length > 0) {
  console.log(`Generated ${generated.join(", ")} into ${DEV_SECRETS_FILE} (development only).`);
}

await import("./migrate.mjs");
