// Shared by prisma.config.ts (the CLI) and lib/server/platform/db.ts (the app), so both
// open the same database when DATABASE_URL is unset.
export const DEFAULT_DATABASE_URL = "file:./data/app.db";

export type DatabaseProvider = "sqlite" | "postgresql";

export function databaseProvider(url: string): DatabaseProvider {
  return /^postgres(ql)?:\/\//.test(url) ? "postgresql" : "sqlite";
}
