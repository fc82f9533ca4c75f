/** @jest-environment node */
import { Prisma } from "@prisma/client";
import { databaseProvider } from "@/lib/db-url";
import { createEnrolledUser } from "@/__tests__/kit/users";
import { USER_FIELDS, userColumns, userFromRow, type UserRow } from "@/lib/server/accounts/user-row";
import { db } from "@/lib/server/platform/db";
import { directSqlite } from "@/lib/server/platform/sqlite-direct";

describe("the hot path's User rows", () => {
  it("name every column Prisma's User has", () => {
    expect([...USER_FIELDS].sort()).toEqual(Object.values(Prisma.UserScalarFieldEnum).sort());
  });

  // Only SQLite has the hot path (`npm run test:pg` runs this file on PostgreSQL).
  if (databaseProvider(process.env.DATABASE_URL ?? "") !== "sqlite") return;

  it("read a user as Prisma reads it", async () => {
    const { id } = await createEnrolledUser();
    await db.user.update({ where: { id }, data: { emailVerifiedAt: new Date("2026-11-30T08:00:00.007Z") } });
    const expected = await db.user.findUniqueOrThrow({ where: { id } });
    const sqlite = directSqlite();
    if (!sqlite) throw new Error("the test database is SQLite: the hot path should be there");
    const row = await sqlite.read((sql) =>
      sql.get<UserRow>(`SELECT ${userColumns("u")} FROM "User" u WHERE u."id" = ?`, id),
    );
    expect(row && userFromRow(row)).toEqual(expected);
  });
});
