/** @jest-environment node */
import { createEnrolledUser } from "@/__tests__/kit/users";
import {
  EVENT_LABELS,
  listRecentSecurityEvents,
  recordSecurityEvent,
  type SecurityEventType,
} from "@/lib/server/accounts/events";
import { db } from "@/lib/server/platform/db";

const context = { ip: "198.51.100.9", userAgent: "Mozilla/5.0 test" };

describe("recordSecurityEvent", () => {
  it("stores the type, the address, the browser and the detail for the user", async () => {
    const user = await createEnrolledUser();
    await recordSecurityEvent(user.id, "password_changed", context, "from settings");
    const rows = await db.securityEvent.findMany({ where: { userId: user.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      type: "password_changed",
      ip: "198.51.100.9",
      userAgent: "Mozilla/5.0 test",
      detail: "from settings",
    });
  });

  it("records a failure for a name that has no account, with no user", async () => {
    const before = await db.securityEvent.count({ where: { userId: null, ip: "198.51.100.10" } });
    await recordSecurityEvent(null, "sign_in_failed_password", { ...context, ip: "198.51.100.10" });
    expect(await db.securityEvent.count({ where: { userId: null, ip: "198.51.100.10" } })).toBe(before + 1);
  });
});

describe("listRecentSecurityEvents", () => {
  it("lists the user's own events, newest first, with a label a person reads", async () => {
    const user = await createEnrolledUser();
    const other = await createEnrolledUser();
    await recordSecurityEvent(other.id, "sign_in", context);
    const types: SecurityEventType[] = ["registered", "two_factor_enabled", "sign_in"];
    for (const [index, type] of types.entries()) {
      await db.securityEvent.create({
        data: { userId: user.id, type, ip: context.ip, createdAt: new Date(Date.UTC(2026, 0, 1, index)) },
      });
    }
    const events = await listRecentSecurityEvents(user.id);
    expect(events.map((event) => event.label)).toEqual([
      "Signed in",
      "Two-factor authentication turned on",
      "Account created",
    ]);
    expect(events[0]).toMatchObject({ ip: context.ip, userAgent: null, detail: null });
  });

  it("lists at most `take` events, and shows an unknown type as it is stored", async () => {
    const user = await createEnrolledUser();
    for (let i = 0; i < 4; i++) await recordSecurityEvent(user.id, "sign_in", context);
    expect(await listRecentSecurityEvents(user.id, 3)).toHaveLength(3);
    await db.securityEvent.create({
      data: { userId: user.id, type: "from_a_newer_version", createdAt: new Date(Date.now() + 60_000) },
    });
    expect((await listRecentSecurityEvents(user.id))[0].label).toBe("from_a_newer_version");
  });

  it("has a label for every event type", () => {
    for (const label of Object.values(EVENT_LABELS)) expect(label).toMatch(/^[A-Z].+/);
    expect(new Set(Object.values(EVENT_LABELS)).size).toBe(Object.keys(EVENT_LABELS).length);
  });
});
