/** @jest-environment node */
import fc from "fast-check";
import {
  changePasswordAction,
  confirmReenrolAction,
  regenerateRecoveryCodesAction,
  sendReauthCodeAction,
  signOutEverywhereAction,
  startReenrolAction,
} from "@/app/settings/security/actions";
import { changeEmailAction, sendVerificationCodeAction } from "@/app/settings/security/email-actions";
import {
  confirmEmailSetupAction,
  confirmSetupAction,
  continueAfterSetupAction,
  sendSetupEmailCodeAction,
} from "@/app/setup-2fa/actions";
import { emailTokenAction, issueTokenAction } from "@/app/token/actions";
import { endSessionAction, revokeAccessTokenAction } from "@/app/settings/security/session-actions";
import { SESSION_COOKIE, signInFully } from "@/__tests__/kit/attacker";
import { Browser } from "@/__tests__/kit/browsers";
import { createEnrolledUser, uniqueName, type TestUser } from "@/__tests__/kit/users";
import { registerAccount } from "@/lib/server/accounts/accounts";
import { createChallenge } from "@/lib/server/sign-in/challenge";
import { db } from "@/lib/server/platform/db";
import { hashPassword } from "@/lib/server/accounts/password";
import type { FormState } from "@/lib/validations/form-state";
import {
  attempt,
  cookieValue,
  describeEntries,
  expectSameSiteRedirect,
  formEntries,
  fuzzRuns,
  nextIp,
  rateLimitCounters,
  toFormData,
  unexpectedWrites,
  type Allowance,
  type FormEntries,
} from "./fuzz-kit";
import { fuzzingSuite } from "./fuzzing-suite";

import { markEmailVerified } from "@/__tests__/kit/account-codes";
jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);
fuzzingSuite("fuzz-account");

// Input fuzzing of the actions behind a pending enrolment or a session (ASVS
// 1.2, 2.2.1): the form fields, the state React posts back with them (a
// client controls it too), and the cookies. Each answers with a form state or
// a same-site redirect, never throws, and writes only what the app keeps
// about a refused attempt.

type Action = (previous: FormState, formData: FormData) => Promise<unknown>;
type Session = "enrolling" | "signed-in";

// The state a form posts back: normally what the action last returned, but
// whatever a client chooses to send.
const previousState = fc.oneof(
  { arbitrary: fc.constant({}), weight: 2 },
  { arbitrary: fc.jsonValue(), weight: 1 },
  {
    arbitrary: fc.record(
      {
        message: fc.string(),
        errors: fc.dictionary(fc.string(), fc.array(fc.string())),
        setup: fc.record({ qrCodeDataUrl: fc.string(), setupKey: fc.string() }),
        recoveryCodes: fc.array(fc.string()),
      },
      { requiredKeys: [] },
    ),
    weight: 1,
  },
) as fc.Arbitrary<unknown> as fc.Arbitrary<FormState>;

const sixDigits = fc.stringMatching(/^[0-9]{6}$/);
const recoveryLike = fc.stringMatching(/^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$/);
// Never accepted by luck: every time step is taken (RFC 6238 §5.2 replay guard).
const LAST_STEP = 2 ** 31 - 1;

let enrolling: { id: string };
let member: TestUser;
let signedIn: Browser;

beforeAll(async () => {
  const name = uniqueName("enrol");
  const registered = await registerAccount({
    username: name,
    email: `${name}@example.test`,
    passwordHash: await hashPassword(`pass-${name}-words`),
  });
  if (!registered.ok) throw new Error("could not register the enrolling account");
  // Its address proven, so that the setup actions take its posts.
  await markEmailVerified(name);
  enrolling = { id: registered.userId };
  member = await createEnrolledUser();
  signedIn = new Browser(nextIp());
  await signInFully(signedIn, member);
  await db.totpFactor.updateMany({ data: { lastUsedStep: LAST_STEP } });
});

// A browser for one attempt: a fresh pending enrolment, the signed-in
// member, or a forged cookie in place of either.
async function browserFor(session: Session, forged: string | null): Promise<Browser> {
  if (session === "signed-in") {
    if (forged === null) {
      signedIn.ip = nextIp();
      return signedIn;
    }
    const browser = new Browser(nextIp());
    browser.cookies.set(SESSION_COOKIE, forged);
    return browser;
  }
  const browser = new Browser(nextIp());
  if (forged === null) {
    await browser.run(() => createChallenge(enrolling.id, "enrol", { ip: browser.ip, userAgent: "fuzz" }));
  } else {
    browser.cookies.set("2fa-challenge", forged);
  }
  return browser;
}

type Target = {
  name: string;
  action: Action;
  session: Session;
  input: fc.Arbitrary<FormEntries>;
  // What a refused attempt may write; `legit` what the action's own work
  // writes when the session is real (an email code sent, a token issued).
  allow: Allowance[];
  runs: number;
};

const wrongCodeTries: Allowance = {
  ...rateLimitCounters("code:account:"),
  SignInChallenge: { change: (_row, fields) => fields.every((name) => name === "failedAttempts") },
};
// The signed-in browser is a known device: its tries count under its own keys (lib/server/sign-in/known-device.ts).
const reauthTries = rateLimitCounters("password:name:", "code:account:", "password:device:", "code:device:");
const emailCodeSent: Allowance = {
  ...rateLimitCounters("email-code-send:account:"),
  EmailCode: { add: () => true },
};
const noFields = formEntries([]);
const codeField = formEntries(["code"], { code: fc.oneof(sixDigits, recoveryLike) });
const reauthFields = formEntries(["password", "code"], {
  password: fc.oneof(fc.constant("__member_password__"), fc.string({ minLength: 1, maxLength: 40 })),
  code: fc.oneof(sixDigits, recoveryLike),
});

const TARGETS: Target[] = [
  {
    name: "confirmSetupAction",
    action: confirmSetupAction,
    session: "enrolling",
    input: codeField,
    allow: [wrongCodeTries],
    runs: 150,
  },
  {
    name: "confirmEmailSetupAction",
    action: confirmEmailSetupAction,
    session: "enrolling",
    input: codeField,
    allow: [wrongCodeTries],
    runs: 150,
  },
  {
    name: "sendSetupEmailCodeAction",
    action: sendSetupEmailCodeAction,
    session: "enrolling",
    input: noFields,
    allow: [emailCodeSent],
    runs: 40,
  },
  {
    name: "continueAfterSetupAction",
    action: continueAfterSetupAction,
    session: "enrolling",
    input: noFields,
    allow: [],
    runs: 100,
  },
  {
    name: "regenerateRecoveryCodesAction",
    action: regenerateRecoveryCodesAction,
    session: "signed-in",
    input: reauthFields,
    allow: [reauthTries],
    runs: 150,
  },
  {
    name: "startReenrolAction",
    action: startReenrolAction,
    session: "signed-in",
    input: reauthFields,
    allow: [reauthTries],
    runs: 100,
  },
  {
    name: "confirmReenrolAction",
    action: confirmReenrolAction,
    session: "signed-in",
    input: formEntries(["newCode"], { newCode: sixDigits }),
    allow: [],
    runs: 150,
  },
  {
    name: "sendReauthCodeAction",
    action: sendReauthCodeAction,
    session: "signed-in",
    input: noFields,
    allow: [],
    runs: 60,
  },
  {
    name: "changePasswordAction",
    action: changePasswordAction,
    session: "signed-in",
    input: formEntries(["password", "newPassword", "code"], {
      password: fc.oneof(fc.constant("__member_password__"), fc.string({ minLength: 1, maxLength: 40 })),
      newPassword: fc.oneof(fc.constant("__member_password__"), fc.string({ minLength: 8, maxLength: 140 })),
      code: fc.oneof(sixDigits, recoveryLike),
    }),
    allow: [reauthTries],
    runs: 100,
  },
  {
    name: "issueTokenAction",
    action: issueTokenAction,
    session: "signed-in",
    input: noFields,
    allow: [
      rateLimitCounters("token-issue:account:"),
      // A new token revokes the one it replaces, of the same member.
      {
        AccessToken: {
          add: (row) => row.userId === member.id,
          change: (row, fields) => row.userId === member.id && fields.join() === "revokedAt",
        },
      },
    ],
    runs: 60,
  },
  {
    name: "emailTokenAction",
    action: emailTokenAction,
    session: "signed-in",
    input: noFields,
    allow: [rateLimitCounters("token-email:account:")],
    runs: 40,
  },
  {
    name: "changeEmailAction",
    action: changeEmailAction,
    session: "signed-in",
    input: formEntries(["newEmail", "password", "code"], {
      newEmail: fc.oneof(fc.emailAddress(), fc.string({ maxLength: 300 })),
      password: fc.oneof(fc.constant("__member_password__"), fc.string({ minLength: 1, maxLength: 40 })),
      code: fc.oneof(sixDigits, recoveryLike),
    }),
    allow: [reauthTries],
    runs: 100,
  },
  // The member's address was never verified (an account from before
  // verification): with the real session a code is stored and sent.
  {
    name: "sendVerificationCodeAction",
    action: sendVerificationCodeAction,
    session: "signed-in",
    input: noFields,
    allow: [
      rateLimitCounters("account-code-send:"),
      {
        AccountCode: {
          add: (row) => row.userId === member.id && row.purpose === "verify_email",
          change: (row, fields) => row.userId === member.id && fields.every((name) => name === "voidedAt"),
          remove: (row) => row.userId === member.id,
        },
      },
    ],
    runs: 30,
  },
  // Ids no one holds: nothing ends, nothing is revoked.
  {
    name: "endSessionAction",
    action: endSessionAction,
    session: "signed-in",
    input: formEntries(["sessionId"], { sessionId: fc.uuid() }),
    allow: [],
    runs: 40,
  },
  {
    name: "revokeAccessTokenAction",
    action: revokeAccessTokenAction,
    session: "signed-in",
    input: formEntries(["jti"], { jti: fc.uuid() }),
    allow: [],
    runs: 40,
  },
  // Last: with the real session it would end the session the others use, so
  // it is fuzzed with forged cookies only.
  {
    name: "signOutEverywhereAction",
    action: signOutEverywhereAction,
    session: "signed-in",
    input: noFields,
    allow: [],
    runs: 100,
  },
];

// The real session's lastSeenAt moves once a minute, whatever the action.
const sessionSeen: Allowance = {
  UserSession: { change: (row, fields) => row.userId === member.id && fields.join() === "lastSeenAt" },
};

describe.each(TARGETS)("fuzzing $name", ({ name, action, session, input, allow, runs }) => {
  it("answers any fields, posted-back state and cookie without a throw, writing only what a refused attempt leaves", async () => {
    const realSessionAllowed = name !== "signOutEverywhereAction";
    const cookie = realSessionAllowed ? fc.option(cookieValue, { freq: 3 }) : cookieValue;
    await fc.assert(
      fc.asyncProperty(input, previousState, cookie, async (entries, previous, forged) => {
        await db.rateLimit.deleteMany({
          where: { key: { startsWith: session === "enrolling" ? "code:account:" : "password:" } },
        });
        const browser = await browserFor(session, forged);
        const fields = entries.map(([field, value]): [string, string | Blob] => [
          field,
          value === "__member_password__" ? member.password : value,
        ]);
        const { outcome, changes } = await attempt(
          browser,
          () => action(previous, toFormData(fields)),
          `${describeEntries(entries)}, state ${JSON.stringify(previous)?.slice(0, 200)}, cookie ${JSON.stringify(forged?.slice(0, 80))}`,
        );
        expect(unexpectedWrites(changes, ...(forged === null ? [...allow, sessionSeen] : []))).toEqual([]);
        expectSameSiteRedirect(outcome.redirectedTo);
        if (forged !== null && session === "signed-in") expect(outcome.redirectedTo).toMatch(/^\/login\?/);
        if (forged === null && session === "signed-in") {
          // The real session was taken, so the fuzzed input reached the action's checks.
          expect(outcome.redirectedTo ?? "").not.toMatch(/^\/login/);
          expect(browser.cookies.has(SESSION_COOKIE)).toBe(true);
        }
      }),
      fuzzRuns(runs),
    );
  });
});
