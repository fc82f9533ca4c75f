/** @jest-environment node */
import { formatUtcTime } from "@/lib/time-format";

describe("formatUtcTime", () => {
  it("writes the day, month name, year and time, and says UTC", () => {
    expect(formatUtcTime(new Date("2026-12-01T08:29:46.000Z"))).toBe("1 December 2026, 08:29 UTC");
  });

  it("adds seconds when asked", () => {
    expect(formatUtcTime(new Date("2026-12-01T08:29:46.000Z"), { seconds: true })).toBe(
      "1 December 2026, 08:29:46 UTC",
    );
  });

  it("uses UTC whatever the server's time zone", () => {
    expect(formatUtcTime(new Date("2026-12-31T23:59:00+09:00"))).toBe("31 December 2026, 14:59 UTC");
  });

  it("says the time is unknown for an invalid date", () => {
    expect(formatUtcTime(new Date("not a date"))).toBe("an unknown time");
  });
});
