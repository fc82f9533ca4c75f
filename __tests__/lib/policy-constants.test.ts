/** @jest-environment node */
import * as constants from "@/lib/policy-constants";
import * as policy from "@/lib/server/policy";

describe("lib/policy-constants", () => {
  it("holds the numbers pages and emails show", () => {
    expect(constants).toMatchObject({
      EMAIL_CODE_TTL_MINUTES: 10,
      MAX_CHALLENGE_FAILURES: 5,
      RECOVERY_CODE_COUNT: 10,
      PARTIAL_SIGN_IN_NOTICE_AFTER: 5,
    });
  });

  it("is what lib/server/policy re-exports and builds on: one definition of each number", () => {
    for (const [name, value] of Object.entries(constants)) {
      expect(policy[name as keyof typeof policy]).toBe(value);
    }
    expect(policy.LIMITS.partialSignInNotice.max).toBe(constants.PARTIAL_SIGN_IN_NOTICE_AFTER);
  });
});
