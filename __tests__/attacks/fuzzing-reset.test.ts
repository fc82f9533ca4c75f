/** @jest-environment node */
import fc from "fast-check";
import { forgotPasswordAction } from "@/app/forgot-password/actions";
import { resetFactorAction, resetPasswordAction } from "@/app/reset-password/actions";
import { Browser } from "@/__tests__/kit/browsers";
import { createEnrolledUser, type TestUser } from "@/__tests__/kit/users";
import { issueResetLink } from "@/lib/server/accounts/password-reset";
import { db } from "@/lib/server/platform/db";
import {
  attempt,
  cookieValue,
  describeEntries,
  formEntries,
  fuzzRuns,
  nextIp,
  rateLimitCounters,
  securityEvents,
  toFormData,
  unexpectedWrites,
} from "./fuzz-kit";
import { fuzzingSuite } from "./fuzzing-suite";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);
fuzzingSuite("fuzz-reset");

// Input fuzzing of the password-reset actions (ASVS 1.2, 2.2.1, 6.4.3):
// whatever a client sends, the action answers with a form state, never
// throws, never proves a factor or sets a password by luck, and writes only
// the counters, events and links the app keeps about a request.

let user: TestUser;
let token: string;

beforeAll(async () => {
  user = await createEnrolledUser();
  await db.user.update({ where: { id: user.id }, data: { emailVerifiedAt: new Date() } });
  // No authenticator code can be accepted (RFC 6238 §5.2 replay guard), so
  // a fuzzed 6-digit string never proves the factor by luck.
  await db.totpFactor.update({ where: { userId: user.id }, data: { lastUsedStep: 2 ** 31 - 1 } });
});

// A live link for the suites below (the forgot-password fuzzing voids older ones).
async function freshLink(): Promise<void> {
  await db.rateLimit.deleteMany({ where: { key: { startsWith: "account-code-send:" } } });
  const issued = await issueResetLink(user.id, nextIp());
  if (!issued.ok) throw new Error("expected a link");
  token = issued.token;
}

const tokenLike = () =>
  fc.oneof(fc.constant(token), fc.stringMatching(/^[A-Za-z0-9_-]{43}$/), fc.string({ maxLength: 300 }));

describe("fuzzing the forgot-password action", () => {
  it("answers any name without a throw, writing only send counters and the account's links", async () => {
    const input = formEntries(["identifier"], {
      identifier: fc.oneof(fc.constant(user.username), fc.constant(user.email), fc.emailAddress()),
    });
    await fc.assert(
      fc.asyncProperty(input, async (entries) => {
        const { outcome, changes } = await attempt(
          new Browser(nextIp()),
          () => forgotPasswordAction({}, toFormData(entries)),
          describeEntries(entries),
        );
        const links = {
          AccountCode: {
            add: (row: { userId?: unknown; purpose?: unknown }) =>
              row.userId === user.id && row.purpose === "reset_password",
            change: (_row: unknown, fields: string[]) => fields.every((field) => field === "voidedAt"),
            // A new link clears the account's links that ended before it.
            remove: (row: { userId?: unknown; voidedAt?: unknown }) =>
              row.userId === user.id && row.voidedAt !== null,
          },
        };
        expect(unexpectedWrites(changes, rateLimitCounters("account-code-send:"), links)).toEqual([]);
        expect(outcome.redirectedTo).toBeUndefined();
      }),
      fuzzRuns(100),
    );
  });
});

describe("fuzzing the reset's factor step", () => {
  beforeAll(freshLink);

  it("answers any token, method and code without a throw, never proving the factor", async () => {
    const input = formEntries(["token", "method", "code"], {
      token: tokenLike(),
      method: fc.constantFrom("totp", "recovery", "none", "email"),
      code: fc.oneof(fc.stringMatching(/^[0-9]{6}$/), fc.stringMatching(/^[A-Z2-7]{16}$/)),
    });
    await fc.assert(
      fc.asyncProperty(input, async (entries) => {
        // The account's code window, so that codes keep being checked.
        await db.rateLimit.deleteMany({ where: { key: { startsWith: "code:" } } });
        const { outcome, changes } = await attempt(
          new Browser(nextIp()),
          () => resetFactorAction({}, toFormData(entries)),
          describeEntries(entries),
        );
        expect(
          unexpectedWrites(changes, rateLimitCounters("code:"), securityEvents("sign_in_failed_code")),
        ).toEqual([]);
        expect(outcome.redirectedTo).toBeUndefined();
      }),
      fuzzRuns(150),
    );
  });
});

describe("fuzzing the reset's password step", () => {
  beforeAll(freshLink);

  it("answers any token, password and cookie without a throw, writing nothing", async () => {
    const input = fc.tuple(
      formEntries(["token", "newPassword"], {
        token: tokenLike(),
        newPassword: fc.string({ minLength: 8, maxLength: 40 }),
      }),
      fc.option(cookieValue),
    );
    await fc.assert(
      fc.asyncProperty(input, async ([entries, cookie]) => {
        const browser = new Browser(nextIp());
        if (cookie !== null) browser.cookies.set("password-reset", cookie);
        const { outcome, changes } = await attempt(
          browser,
          () => resetPasswordAction({}, toFormData(entries)),
          describeEntries(entries),
        );
        expect(changes).toEqual([]);
        expect(outcome.redirectedTo).toBeUndefined();
        expect(Object.keys(outcome.result?.values ?? {})).not.toContain("newPassword");
      }),
      fuzzRuns(100),
    );
  });
});
