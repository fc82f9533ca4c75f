/** @jest-environment node */
import { uniqueName } from "@/__tests__/kit/names";
import { accountRateLimits } from "@/lib/server/accounts/account-limits";
import { db } from "@/lib/server/platform/db";
import { keys, subjects } from "@/lib/server/policy";
import { nameLimitSubject } from "@/lib/server/sign-in/known-device";

describe("accountRateLimits", () => {
  it("finds the rows of the account, its browsers and its two names, and no row of an IP or another account", async () => {
    const user = {
      id: uniqueName("id"),
      username: uniqueName("n"),
      email: `${uniqueName("e")}@example.test`,
    };
    const otherId = `${user.id}x`;
    const mine = [
      keys.codes(subjects.account(user.id)),
      keys.codes(subjects.device(user.id, "abc")),
      keys.passwordFailures(subjects.device(user.id, "abc")),
      keys.passwordFailures(nameLimitSubject(user.username)),
      keys.passwordSteps(nameLimitSubject(user.email)),
      keys.emailCodeSends(user.id),
      `future-kind:account:${user.id}:detail`,
    ];
    const theirs = [
      keys.codes(subjects.account(otherId)),
      keys.passwordFailures(nameLimitSubject(`${user.username}x`)),
      keys.passwordPerIp("203.0.113.1"),
    ];
    await db.rateLimit.createMany({
      data: [...mine, ...theirs].map((key) => ({ key, windowStart: new Date() })),
    });
    const found = await db.rateLimit.findMany({
      where: { AND: [accountRateLimits(user), { key: { in: [...mine, ...theirs] } }] },
    });
    expect(found.map((row) => row.key).sort()).toEqual([...mine].sort());
  });
});
