/** @jest-environment node */
import { db } from "@/lib/server/platform/db";
import { databaseAnswers, healthResponse } from "@/lib/server/platform/health";

// A hanging or refusing PostgreSQL host is in __tests__/pg/health.test.ts
// (the PostgreSQL client exists only in that suite).
describe("databaseAnswers", () => {
  it("is true when the database answers", async () => {
    expect(await databaseAnswers(db)).toBe(true);
  });

  it("is false when the query fails", async () => {
    const failing = { $queryRaw: () => Promise.reject(new Error("connection refused")) };
    expect(await databaseAnswers(failing as unknown as Pick<typeof db, "$queryRaw">)).toBe(false);
  });
});

describe("healthResponse", () => {
  it("answers 200 {status: ok}, never cached", async () => {
    const response = healthResponse(true);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it("answers 503 with Retry-After when the database does not answer", async () => {
    const response = healthResponse(false);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect(await response.json()).toEqual({ status: "unavailable" });
  });
});
