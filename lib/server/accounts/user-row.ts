import "server-only";
import type { User } from "@prisma/client";
import { parseOptionalSqliteDate, parseSqliteDate } from "../platform/sqlite-direct";

// A User as the SQLite hot path reads it (../platform/sqlite-direct.ts):
// the columns in SQL, and the row turned into what Prisma would answer.
// __tests__ holds the list to Prisma's own, so a new column cannot be missed.
export const USER_FIELDS = [
  "id",
  "username",
  "email",
  "passwordHash",
  "twoFactorMethod",
  "twoFactorAt",
  "sessionVersion",
  "emailVerifiedAt",
  "createdAt",
  "updatedAt",
] as const satisfies readonly (keyof User)[];

// The select list for a table aliased `alias`.
export const userColumns = (alias: string): string =>
  USER_FIELDS.map((field) => `${alias}."${field}"`).join(", ");

export type UserRow = Omit<User, "twoFactorAt" | "emailVerifiedAt" | "createdAt" | "updatedAt"> & {
  twoFactorAt: string | null;
  emailVerifiedAt: string | null;
  createdAt: string;
  updatedAt: string;
};

export function userFromRow(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    passwordHash: row.passwordHash,
    twoFactorMethod: row.twoFactorMethod,
    twoFactorAt: parseOptionalSqliteDate(row.twoFactorAt),
    sessionVersion: row.sessionVersion,
    emailVerifiedAt: parseOptionalSqliteDate(row.emailVerifiedAt),
    createdAt: parseSqliteDate(row.createdAt),
    updatedAt: parseSqliteDate(row.updatedAt),
  };
}
