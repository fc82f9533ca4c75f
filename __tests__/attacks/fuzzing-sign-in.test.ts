/** @jest-environment node */
import fc from "fast-check";
import { signOutAction } from "@/app/_components/sign-out-action";
import { loginAction } from "@/app/login/actions";
import { sendEmailCodeAction, verifyAction } from "@/app/login/verify/actions";
import { registerAction } from "@/app/register/actions";
import { SESSION_COOKIE } from "@/__tests__/kit/attacker";
import { Browser } from "@/__tests__/kit/browsers";
import { createEnrolledUser, type TestUser } from "@/__tests__/kit/users";
import { createChallenge } from "@/lib/server/sign-in/challenge";
import { db } from "@/lib/server/platform/db";
import {
  attempt,
  cookieValue,
  describeEntries,
  expectSameSiteRedirect,
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
fuzzingSuite("fuzz-sign-in");

// Input fuzzing of the actions before a session exists (ASVS 1.2, 2.2.1):
// whatever a client sends, the action answers with a form state or a
// same-site redirect, never throws, and writes only the counters and events
// the app keeps about a refused attempt.

let user: TestUser;

beforeAll(async () => {
  user = await createEnrolledUser();
  // No authenticator code can be accepted again (RFC 6238 §5.2 replay
  // guard), so a fuzzed 6-digit string never completes a sign-in by luck.
  await db.totpFactor.update({ where: { userId: user.id }, data: { lastUsedStep: 2 ** 31 - 1 } });
});

const usernameLike = fc.stringMatching(/^[a-z0-9._-]{3,32}$/);
const callbackUrl = fc.oneof(
  fc.constantFrom(
    "/dashboard",
    "//evil.example",
    "/\\evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "/\ud800",
    "/%zz",
  ),
  fc.string().map((path) => `/${path}`),
);

describe("fuzzing the register action", () => {
  it("answers random, huge, unicode, missing and repeated fields without a throw, creating an account only for valid input", async () => {
    const input = formEntries(["username", "email", "password"], {
      username: usernameLike,
      email: fc.emailAddress(),
      password: fc.string({ minLength: 8, maxLength: 40 }),
    });
    await fc.assert(
      fc.asyncProperty(input, async (entries) => {
        const { outcome, changes } = await attempt(
          new Browser(nextIp()),
          () => registerAction({}, toFormData(entries)),
          describeEntries(entries),
        );
        // A new address: the account, its enrolment and its verification code;
        // a taken one: a decoy step (RateLimit rows only). The code sends count
        // once the input is valid, whatever follows.
        const created =
          outcome.redirectedTo === "/verify-email"
            ? {
                User: { add: () => true },
                TotpFactor: { add: () => true },
                SignInChallenge: { add: (row: { purpose?: unknown }) => row.purpose === "enrol" },
                AccountCode: { add: (row: { purpose?: unknown }) => row.purpose === "verify_email" },
                ...securityEvents("registered", "registration_attempted"),
              }
            : {};
        const counters = rateLimitCounters(
          "register:ip:",
          "account-code-send:",
          "decoy-code",
          "registration-attempt:",
        );
        expect(unexpectedWrites(changes, counters, created)).toEqual([]);
        if (!outcome.redirectedTo)
          expect(Object.keys(outcome.result?.values ?? {})).not.toContain("password");
        else expect(outcome.redirectedTo).toBe("/verify-email");
      }),
      fuzzRuns(200),
    );
  });
});

describe("fuzzing the login action", () => {
  it("answers any identifier, password and callback without a throw, writing only rate-limit counters and failure events", async () => {
    const input = formEntries(["identifier", "password", "callbackUrl"], {
      identifier: fc.oneof(
        fc.constant(user.username),
        fc.constant(user.email),
        usernameLike,
        fc.emailAddress(),
      ),
      password: fc.oneof(fc.constant(user.password), fc.string({ minLength: 1, maxLength: 130 })),
      callbackUrl,
    });
    await fc.assert(
      fc.asyncProperty(input, async (entries) => {
        // The user's own delays and step counts, so that the right password can pass.
        await db.rateLimit.deleteMany({ where: { key: { startsWith: "password" } } });
        const { outcome, changes } = await attempt(
          new Browser(nextIp()),
          () => loginAction({}, toFormData(entries)),
          describeEntries(entries),
        );
        const signedIn = outcome.redirectedTo?.startsWith("/login/verify?")
          ? {
              SignInChallenge: {
                add: (row: { userId?: unknown }) => row.userId === user.id,
                // A new pending sign-in removes the user's oldest beyond three.
                remove: (row: { userId?: unknown }) => row.userId === user.id,
              },
            }
          : {};
        expect(
          unexpectedWrites(
            changes,
            rateLimitCounters("password:ip:", "password:name:", "password-steps:"),
            securityEvents("sign_in_failed_password"),
            signedIn,
          ),
        ).toEqual([]);
        expectSameSiteRedirect(outcome.redirectedTo);
        expect(Object.keys(outcome.result?.values ?? {})).not.toContain("password");
      }),
      fuzzRuns(150),
    );
  });
});

describe("fuzzing the second step", () => {
  // A fresh pending sign-in per attempt, or a forged challenge cookie.
  async function browserWithChallenge(forged: string | null): Promise<Browser> {
    const browser = new Browser(nextIp());
    if (forged === null) {
      await browser.run(() => createChallenge(user.id, "signin", { ip: browser.ip, userAgent: "fuzz" }));
    } else {
      browser.cookies.set("2fa-challenge", forged);
    }
    return browser;
  }
  const challengeCookie = fc.option(cookieValue, { freq: 4 });

  it("the verify action answers any method and code without a throw, counting only the failed try", async () => {
    const input = formEntries(["method", "code", "callbackUrl"], {
      method: fc.constantFrom("totp", "recovery", "email"),
      code: fc.oneof(
        fc.stringMatching(/^[0-9]{6}$/),
        fc.stringMatching(/^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$/),
      ),
      callbackUrl,
    });
    await fc.assert(
      fc.asyncProperty(input, challengeCookie, async (entries, forged) => {
        await db.rateLimit.deleteMany({ where: { key: { startsWith: "code:account:" } } });
        const browser = await browserWithChallenge(forged);
        const { outcome, changes } = await attempt(
          browser,
          () => verifyAction({}, toFormData(entries)),
          describeEntries(entries),
        );
        expect(
          unexpectedWrites(
            changes,
            rateLimitCounters("code:account:", "partial-sign-in:account:"),
            securityEvents("sign_in_failed_code"),
            {
              SignInChallenge: {
                change: (_row, fields) =>
                  fields.every((name) => name === "failedAttempts" || name === "wrongCodes"),
              },
            },
          ),
        ).toEqual([]);
        if (forged !== null) expect(outcome.redirectedTo).toBe("/login?expired=1");
        expectSameSiteRedirect(outcome.redirectedTo);
        expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
      }),
      fuzzRuns(200),
    );
  });

  it("'Email me a code' answers any form and challenge cookie without a throw, sending at most one code", async () => {
    await fc.assert(
      fc.asyncProperty(
        formEntries(["callbackUrl"], { callbackUrl }),
        challengeCookie,
        async (entries, forged) => {
          await db.rateLimit.deleteMany({ where: { key: { startsWith: "email-code-send:" } } });
          const { outcome, changes } = await attempt(
            await browserWithChallenge(forged),
            () => sendEmailCodeAction({}, toFormData(entries)),
            describeEntries(entries),
          );
          const sent = forged === null ? { EmailCode: { add: () => true } } : {};
          expect(unexpectedWrites(changes, rateLimitCounters("email-code-send:account:"), sent)).toEqual([]);
          expect(changes.filter((change) => change.model === "EmailCode").length).toBeLessThanOrEqual(1);
          if (forged !== null) expect(outcome.redirectedTo).toBe("/login?expired=1");
          else expect(outcome.redirectedTo).toMatch(/^\/login\/verify\?method=email&sent=1&callbackUrl=%2F/);
        },
      ),
      fuzzRuns(60),
    );
  });
});

describe("fuzzing sign-out", () => {
  it("answers any form and session cookie without a throw, writing nothing", async () => {
    await fc.assert(
      fc.asyncProperty(formEntries([]), cookieValue, async (entries, session) => {
        const browser = new Browser(nextIp());
        browser.cookies.set(SESSION_COOKIE, session);
        const { outcome, changes } = await attempt(
          browser,
          () => signOutAction(),
          `${describeEntries(entries)} with session cookie ${JSON.stringify(session.slice(0, 80))}`,
        );
        expect(unexpectedWrites(changes)).toEqual([]);
        expect(outcome.redirectedTo).toBe("/login?signedOut=1");
      }),
      fuzzRuns(100),
    );
  });
});
