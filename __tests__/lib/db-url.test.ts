/** @jest-environment node */
import { databaseProvider, DEFAULT_DATABASE_URL } from "@/lib/db-url";

describe("databaseProvider", () => {
  it.each([
    ["postgresql://app@db:5432/app", "postgresql"],
    ["postgres://app@db/app", "postgresql"],
    ["file:./data/app.db", "sqlite"],
    ["file:/var/lib/app/app.db", "sqlite"],
    // Only the scheme decides: a path that mentions postgres is still a file.
    ["file:./postgres://x.db", "sqlite"],
  ])("reads %s as %s", (url, provider) => {
    expect(databaseProvider(url)).toBe(provider);
  });

  it("defaults to a SQLite file under data/", () => {
    expect(DEFAULT_DATABASE_URL).toBe("file:./data/app.db");
    expect(databaseProvider(DEFAULT_DATABASE_URL)).toBe("sqlite");
  });
});
