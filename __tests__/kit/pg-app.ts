import path from "node:path";
import { freePort, startApp, type AppServer } from "./next-server";

const PG_CLIENT_HOOK = path.join(__dirname, "prisma-client-pg-hook.cjs");

// `next start` of the test build on the run's PostgreSQL database (under
// `npm run test:pg`), with the test's secrets so that users seeded by the
// test sign in, and its own origin as APP_URL so that its forms accept
// posts from it. The build imports @prisma/client, which is the SQLite client
// in node_modules; the --require hook makes this process load the
// PostgreSQL client generated for the run instead.
// `appUrl` names a public origin other than its own (a proxy in front);
// `viaNpmStart` starts it the way `npm start` does, migrations first (the
// hook then also points scripts/migrate.mjs's client check at that client).
export async function startAppOnPostgres(
  databaseUrl = process.env.DATABASE_URL,
  options: { appUrl?: string; viaNpmStart?: boolean } = {},
): Promise<AppServer> {
  const { AUTH_SECRET, JWT_SECRET, TOTP_ENCRYPTION_KEY, MAIL_OUTBOX_DIR } = process.env;
  const port = await freePort();
  return startApp({
    port,
    viaNpmStart: options.viaNpmStart,
    nodeOptions: `--require ${PG_CLIENT_HOOK}`,
    env: {
      DATABASE_URL: databaseUrl,
      APP_URL: options.appUrl ?? `http://127.0.0.1:${port}`,
      AUTH_SECRET,
      JWT_SECRET,
      TOTP_ENCRYPTION_KEY,
      MAIL_OUTBOX_DIR,
    },
  });
}
