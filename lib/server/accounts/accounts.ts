import "server-only";
import { Prisma, type User } from "@prisma/client";
import { endPendingSignIns } from "../sign-in/challenge";
import { endUserSessions } from "../sign-in/sessions";
import { releaseStaleAddress } from "./address-hold";
import { db } from "../platform/db";
import { directSqlite } from "../platform/sqlite-direct";
import { userColumns, userFromRow, type UserRow } from "./user-row";

export type NewAccount = { username: string; email: string; passwordHash: string };
export type RegisterResult = { ok: true; userId: string } | { ok: false; taken: "username" | "email" };

// The account has no TOTP secret until an enrolment confirms one: each
// enrolment challenge makes its own (challenge.ts). It starts unverified; in
// the same transaction an unverified, factorless account that held the
// address for more than 24 hours gives it up (address-hold.ts). A taken
// username is checked before a taken address, so that a name is always said.
export async function registerAccount(account: NewAccount, now = new Date()): Promise<RegisterResult> {
  try {
    return await db.$transaction(async (tx): Promise<RegisterResult> => {
      await releaseStaleAddress(account.email, tx, now);
      const byName = await tx.user.findUnique({
        where: { username: account.username },
        select: { id: true },
      });
      if (byName) return { ok: false, taken: "username" };
      const byEmail = await tx.user.findUnique({ where: { email: account.email }, select: { id: true } });
      if (byEmail) return { ok: false, taken: "email" };
      const user = await tx.user.create({ data: account, select: { id: true } });
      return { ok: true, userId: user.id };
    });
  } catch (error) {
    // Two registrations of one name or address at once: the database decides.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      const target = JSON.stringify(error.meta?.target ?? "");
      if (target.includes("email")) return { ok: false, taken: "email" };
      if (target.includes("username")) return { ok: false, taken: "username" };
      // Some adapters do not name the column: ask the database.
      const byName = await db.user.findUnique({
        where: { username: account.username },
        select: { id: true },
      });
      return { ok: false, taken: byName ? "username" : "email" };
    }
    throw error;
  }
}

// Identifiers arrive normalised (trimmed, lower-cased) by the login schema.
// Every password step asks this: on SQLite one statement of the hot path
// (../platform/sqlite-direct.ts).
export async function findUserByIdentifier(identifier: string): Promise<User | null> {
  const column = identifier.includes("@") ? "email" : "username";
  const sqlite = directSqlite();
  if (sqlite) {
    const row = await sqlite.read((sql) =>
      sql.get<UserRow>(`SELECT ${userColumns("u")} FROM "User" u WHERE u."${column}" = ?`, identifier),
    );
    return row ? userFromRow(row) : null;
  }
  return column === "email"
    ? db.user.findUnique({ where: { email: identifier } })
    : db.user.findUnique({ where: { username: identifier } });
}

export async function getUserById(id: string): Promise<User | null> {
  return db.user.findUnique({ where: { id } });
}

export async function replacePasswordHash(userId: string, passwordHash: string): Promise<void> {
  await db.user.update({ where: { id: userId }, data: { passwordHash } });
}

// Ends every session and access token the user holds (SECURITY.md "Threat
// model": a stolen session cookie or access token): a new session version,
// and every session row ended, so that the settings list shows none.
export async function revokeAllSessions(userId: string): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { sessionVersion: { increment: 1 } } });
    await endUserSessions(userId, { client: tx });
  });
}

// A new password ends every other session and access token (a new session
// version) and every sign-in still waiting for its second step, which began
// with the old password; every session row but `keepSessionId`'s (the
// browser that changed it) ends. Only from the version the caller's session
// holds: false, and nothing changed, when another change moved it on meanwhile.
export async function changePassword(
  userId: string,
  fromVersion: number,
  passwordHash: string,
  keepSessionId?: string,
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.user.updateMany({
      where: { id: userId, sessionVersion: fromVersion },
      data: { passwordHash, sessionVersion: fromVersion + 1 },
    });
    if (count === 1) {
      await endPendingSignIns(userId, tx);
      await endUserSessions(userId, { client: tx, except: keepSessionId });
    }
    return count === 1;
  });
}
