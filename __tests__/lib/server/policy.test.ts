/** @jest-environment node */
import {
  FAILURE_DELAYS,
  keys,
  LIFETIMES,
  LIMITS,
  MAX_CHALLENGE_FAILURES,
  MESSAGES,
  retryMessage,
  subjects,
  triesLeftAfter,
} from "@/lib/server/policy";

describe("rate-limit keys", () => {
  // Every builder, fed the same argument(s): no two buckets may share a row.
  const builders: [name: string, key: string][] = [
    ["passwordPerIp", keys.passwordPerIp("x")],
    ["passwordStepsPerIp", keys.passwordStepsPerIp("x")],
    ["passwordSteps", keys.passwordSteps("x")],
    ["passwordFailures", keys.passwordFailures("x")],
    ["codes", keys.codes("x")],
    ["partialSignIn", keys.partialSignIn("x")],
    ["registrations", keys.registrations("x")],
    ["emailCodeSends", keys.emailCodeSends("x")],
    ["api", keys.api("x", "x")],
    ["tokenIssues", keys.tokenIssues("x")],
    ["tokenEmails", keys.tokenEmails("x")],
  ];

  it("covers every builder of keys", () => {
    expect(builders.map(([name]) => name).sort()).toEqual(Object.keys(keys).sort());
  });

  it("gives every bucket a distinct key for the same argument", () => {
    expect(new Set(builders.map(([, key]) => key)).size).toBe(builders.length);
  });

  it("keeps a per-IP key apart from a subject's key, even for a subject that looks like an IP", () => {
    expect(keys.passwordPerIp("1.2.3.4")).not.toBe(keys.passwordFailures(subjects.account("1.2.3.4")));
    expect(keys.passwordStepsPerIp("1.2.3.4")).not.toBe(keys.passwordSteps(subjects.name("1.2.3.4")));
  });

  it('writes the documented key shapes (docs/ARCHITECTURE.md "Where state lives")', () => {
    expect(keys.passwordPerIp("1.2.3.4")).toBe("password:ip:1.2.3.4");
    expect(keys.passwordStepsPerIp("1.2.3.4")).toBe("password-steps:ip:1.2.3.4");
    expect(keys.passwordSteps("account:u1")).toBe("password-steps:account:u1");
    expect(keys.passwordFailures("name:abc")).toBe("password:name:abc");
    expect(keys.codes("account:u1")).toBe("code:account:u1");
    expect(keys.partialSignIn("u1")).toBe("partial-sign-in:account:u1");
    expect(keys.registrations("1.2.3.4")).toBe("register:ip:1.2.3.4");
    expect(keys.emailCodeSends("u1")).toBe("email-code-send:account:u1");
    expect(keys.api("validate", "1.2.3.4")).toBe("api:validate:ip:1.2.3.4");
    expect(keys.tokenIssues("u1")).toBe("token-issue:account:u1");
    expect(keys.tokenEmails("u1")).toBe("token-email:account:u1");
  });

  it("gives each user and each route a key of its own", () => {
    expect(keys.codes(subjects.account("u1"))).not.toBe(keys.codes(subjects.account("u2")));
    expect(keys.api("me", "1.2.3.4")).not.toBe(keys.api("validate", "1.2.3.4"));
  });
});

describe("subjects", () => {
  it("are distinct per kind and tell a known device apart", () => {
    const all = [subjects.device("u1", "n1"), subjects.account("u1"), subjects.name("u1")];
    expect(new Set(all).size).toBe(3);
    expect(subjects.isDevice(subjects.device("u1", "n1"))).toBe(true);
    expect(subjects.isDevice(subjects.account("u1"))).toBe(false);
    expect(subjects.isDevice(subjects.name("device"))).toBe(false);
    expect(subjects.device("u1", "n1")).not.toBe(subjects.device("u1", "n2"));
  });
});

describe("retryMessage", () => {
  it.each([
    [1, "Too many attempts. Try again in 1 second."],
    [30, "Too many attempts. Try again in 30 seconds."],
    [59, "Too many attempts. Try again in 59 seconds."],
    [60, "Too many attempts. Try again in 1 minute."],
    [61, "Too many attempts. Try again in 2 minutes."],
    [900, "Too many attempts. Try again in 15 minutes."],
  ])("says %p seconds as %p", (seconds, message) => {
    expect(retryMessage(seconds)).toBe(message);
  });
});

describe("triesLeftAfter", () => {
  it("counts down from MAX_CHALLENGE_FAILURES, never below zero", () => {
    expect(MAX_CHALLENGE_FAILURES).toBe(5);
    expect(triesLeftAfter(0)).toBe(4);
    expect(triesLeftAfter(3)).toBe(1);
    expect(triesLeftAfter(4)).toBe(0);
    expect(triesLeftAfter(9)).toBe(0);
  });

  it("words the tries left in the singular and plural", () => {
    expect(MESSAGES.triesLeft(1)).toBe("1 try left before you need to sign in again.");
    expect(MESSAGES.triesLeft(3)).toBe("3 tries left before you need to sign in again.");
  });
});

describe("the numbers README.md's security rules promise", () => {
  it("holds the password, code and registration limits", () => {
    expect(LIMITS.passwordPerIp).toEqual({ max: 20, windowMs: 15 * 60_000 });
    expect(LIMITS.codesPerAccount).toEqual({ max: 10, windowMs: 15 * 60_000 });
    expect(LIMITS.emailCodeSendsPerAccount).toEqual({ max: 3, windowMs: 15 * 60_000 });
    expect(FAILURE_DELAYS).toMatchObject({ freeFailures: 5, firstDelayMs: 30_000, maxDelayMs: 15 * 60_000 });
    expect(LIFETIMES.challengeMs.signin).toBe(5 * 60_000);
  });

  it("says the emailed code's lifetime from the one constant", () => {
    expect(MESSAGES.codeSent("a***@example.test")).toBe(
      "We sent a code to a***@example.test. It is valid for 10 minutes.",
    );
  });
});
