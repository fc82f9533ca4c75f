/** @jest-environment node */
import { Prisma } from "@prisma/client";
import { seedAccountWithEveryRow, tablesMentioning } from "@/__tests__/kit/account-rows";
import { uniqueName } from "@/__tests__/kit/names";
import { deleteAccount } from "@/lib/server/accounts/account-deletion";
import { registerAccount } from "@/lib/server/accounts/accounts";
import { db } from "@/lib/server/platform/db";
import { OPERATOR_CONTEXT } from "@/lib/server/policy";
import { nameLimitSubject } from "@/lib/server/sign-in/known-device";

const context = { ip: "203.0.113.50", userAgent: "jest" };

describe("deleteAccount", () => {
  it("leaves no row of the account in any table of the schema, and the other account's rows stay", async () => {
    const doomed = await seedAccountWithEveryRow();
    const other = await seedAccountWithEveryRow();
    const doomedTrace = [
      doomed.id,
      doomed.username,
      doomed.email,
      nameLimitSubject(doomed.username),
      nameLimitSubject(doomed.email),
    ];
    const tables = Prisma.dmmf.datamodel.models.map((model) => model.name);
    // Every table that can hold an account's row has one before.
    expect(Object.keys(await tablesMentioning(doomedTrace)).sort()).toEqual([...tables].sort());

    const deleted = await deleteAccount(doomed.id, context, "user");

    expect(deleted).toEqual({ id: doomed.id, username: doomed.username, email: doomed.email });
    expect(await tablesMentioning(doomedTrace)).toEqual({});
    expect(Object.keys(await tablesMentioning([other.id])).sort()).toEqual([...tables].sort());
    expect(await db.rateLimit.count({ where: { key: { in: other.rateLimitKeys } } })).toBe(
      other.rateLimitKeys.length,
    );
  });

  it("frees the username and the address for a new registration", async () => {
    const doomed = await seedAccountWithEveryRow();
    await deleteAccount(doomed.id, OPERATOR_CONTEXT, "operator");
    const again = await registerAccount({
      username: doomed.username,
      email: doomed.email,
      passwordHash: "x",
    });
    expect(again.ok).toBe(true);
  });

  it("keeps one event without the account, saying who deleted it", async () => {
    const doomed = await seedAccountWithEveryRow();
    const before = new Date(Date.now() - 1000);
    await deleteAccount(doomed.id, OPERATOR_CONTEXT, "operator");
    const events = await db.securityEvent.findMany({
      where: { type: "account_deleted", createdAt: { gte: before }, ip: OPERATOR_CONTEXT.ip },
    });
    expect(events.map((event) => [event.userId, event.detail])).toContainEqual([null, "by an operator"]);
  });

  it("answers null and changes nothing for an account that does not exist", async () => {
    const before = await db.user.count();
    expect(await deleteAccount(uniqueName("missing"), context, "user")).toBeNull();
    expect(await db.user.count()).toBe(before);
  });
});
