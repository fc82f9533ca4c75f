/** @jest-environment node */
import { databaseProvider } from "@/lib/db-url";
import { db } from "@/lib/server/platform/db";
import { directSqlite, sqliteDate, type DirectSqlite } from "@/lib/server/platform/sqlite-direct";

const key = (name: string) => `direct:${name}:${Math.random().toString(36).slice(2)}`;
const insert = `INSERT INTO "RateLimit" ("key", "count", "windowStart", "nextAllowedAt", "updatedAt") VALUES (?, ?, ?, NULL, ?)`;

async function connected(): Promise<DirectSqlite> {
  // The hot path is there once the app's client has connected.
  await db.rateLimit.findUnique({ where: { key: "none" } });
  const sqlite = directSqlite();
  if (!sqlite) throw new Error("the test database is SQLite: the hot path should be there");
  return sqlite;
}

const syncLevel = (sqlite: DirectSqlite) =>
  sqlite.read((sql) => sql.get<{ synchronous: number }>("PRAGMA synchronous")?.synchronous);

// `npm run test:pg` runs this file on PostgreSQL, where every query goes through Prisma.
const onSqlite = databaseProvider(process.env.DATABASE_URL ?? "") === "sqlite";

if (!onSqlite) {
  describe("on PostgreSQL", () => {
    it("offers no hot path: every query goes through Prisma", async () => {
      await db.rateLimit.findUnique({ where: { key: "none" } });
      expect(directSqlite()).toBeNull();
    });
  });
} else {
  describe("the SQLite hot path", () => {
    it("commits what a transaction wrote, readable through Prisma with the dates Prisma reads", async () => {
      const sqlite = await connected();
      const k = key("commit");
      const at = new Date("2026-12-01T10:00:00.123Z");
      await sqlite.transaction((sql) => sql.run(insert, k, 3, sqliteDate(at), sqliteDate(at)));
      const row = await db.rateLimit.findUnique({ where: { key: k } });
      expect(row).toMatchObject({ key: k, count: 3, windowStart: at, nextAllowedAt: null });
    });

    it("rolls back everything a transaction wrote when it throws", async () => {
      const sqlite = await connected();
      const k = key("rollback");
      const now = sqliteDate(new Date());
      await expect(
        sqlite.transaction((sql) => {
          sql.run(insert, k, 1, now, now);
          throw new Error("broken invariant");
        }),
      ).rejects.toThrow("broken invariant");
      expect(await db.rateLimit.findUnique({ where: { key: k } })).toBeNull();
    });

    it("syncs every other commit to disk again after one that was not, even when it throws", async () => {
      const sqlite = await connected();
      expect(await syncLevel(sqlite)).toBe(2); // FULL
      const now = sqliteDate(new Date());
      await sqlite.transaction((sql) => sql.run(insert, key("normal"), 1, now, now), { syncToDisk: false });
      expect(await syncLevel(sqlite)).toBe(2);
      await expect(
        sqlite.transaction(
          () => {
            throw new Error("no");
          },
          { syncToDisk: false },
        ),
      ).rejects.toThrow("no");
      expect(await syncLevel(sqlite)).toBe(2);
    });

    it("waits for a transaction Prisma holds open, so that neither writes into the other", async () => {
      const sqlite = await connected();
      const prismaKey = key("prisma");
      const directKey = key("direct");
      const order: string[] = [];
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const prismaWork = db
        .$transaction(async (tx) => {
          await tx.rateLimit.create({ data: { key: prismaKey, count: 1, windowStart: new Date() } });
          await held;
          order.push("prisma wrote");
          throw new Error("rolled back");
        })
        .catch(() => order.push("prisma rolled back"));
      // Prisma's transaction is open on the connection by now.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const now = sqliteDate(new Date());
      const directWork = sqlite.transaction((sql) => {
        order.push("direct wrote");
        sql.run(insert, directKey, 1, now, now);
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(order).toEqual([]);
      release();
      await Promise.all([prismaWork, directWork]);
      expect(order).toEqual(["prisma wrote", "prisma rolled back", "direct wrote"]);
      // Prisma's rollback took only its own row.
      expect(await db.rateLimit.findUnique({ where: { key: prismaKey } })).toBeNull();
      expect(await db.rateLimit.findUnique({ where: { key: directKey } })).toMatchObject({ count: 1 });
    });

    it("reads integers as numbers", async () => {
      const sqlite = await connected();
      const k = key("numbers");
      const now = sqliteDate(new Date());
      await sqlite.transaction((sql) => sql.run(insert, k, 7, now, now));
      const row = await sqlite.read((sql) =>
        sql.get<{ count: unknown }>(`SELECT "count" FROM "RateLimit" WHERE "key" = ?`, k),
      );
      expect(row).toEqual({ count: 7 });
    });
  });

  describe("the SQLite hot path after the client disconnected", () => {
    it("is not offered until the client's next query connects it again, and then works", async () => {
      await connected();
      await db.$disconnect();
      expect(directSqlite()).toBeNull();
      const sqlite = await connected();
      const k = key("reconnected");
      const now = sqliteDate(new Date());
      await sqlite.transaction((sql) => sql.run(insert, k, 2, now, now));
      expect(await db.rateLimit.findUnique({ where: { key: k } })).toMatchObject({ count: 2 });
    });
  });
}
