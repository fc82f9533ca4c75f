import pg from "pg";
import { ADMIN_URL } from "./pg-global-setup.mjs";

export default async function globalTeardown() {
  const name = process.env.JEST_PG_DATABASE;
  if (!name) return;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
