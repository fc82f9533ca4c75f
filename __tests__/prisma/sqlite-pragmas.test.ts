/** @jest-environment node */
import { db } from "@/lib/server/platform/db";

// SQLite only (`npm test`; `npm run test:pg` does not run __tests__/prisma).
describe("the SQLite connection", () => {
  it("opens SQLite with write-ahead logging, a busy timeout and full sync", async () => {
    const pragma = async (name: string): Promise<unknown> => {
      const [row] = await db.$queryRawUnsafe<Record<string, unknown>[]>(`PRAGMA ${name}`);
      return Object.values(row ?? {})[0];
    };
    expect(await pragma("journal_mode")).toBe("wal");
    expect(Number(await pragma("busy_timeout"))).toBe(5000);
    // 2 = FULL (0 OFF, 1 NORMAL, 3 EXTRA).
    expect(Number(await pragma("synchronous"))).toBe(2);
  });
});
