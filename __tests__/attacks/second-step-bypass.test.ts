/** @jest-environment node */
import { GET as authGet, POST as authPost } from "@/app/api/auth/[...nextauth]/route";
import { GET as me } from "@/app/api/me/route";
import DashboardPage from "@/app/dashboard/page";
import * as security from "@/app/settings/security/actions";
import SecuritySettingsPage from "@/app/settings/security/page";
import * as setup from "@/app/setup-2fa/actions";
import { emailTokenAction, issueTokenAction } from "@/app/token/actions";
import TokenPage from "@/app/token/page";
import {
  apiRequest,
  base64url,
  CHALLENGE_COOKIE,
  completeSessionClaims,
  freshIp,
  mintSession,
  passPasswordStep,
  PROTECTED_PAGES,
  quietAuthErrors,
  SESSION_COOKIE,
  signInFully,
  throughMiddleware,
} from "@/__tests__/kit/attacker";
import { Browser } from "@/__tests__/kit/browsers";
import { form, runAction } from "@/__tests__/kit/request-scope";
import { createEnrolledUser, currentCode, rowCounts, type TestUser } from "@/__tests__/kit/users";
import { db } from "@/lib/server/platform/db";
import { getCurrentSession } from "@/lib/server/sign-in/session";
import { NextRequest } from "next/server";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);
quietAuthErrors();

// Skipping the second step (ASVS 6.3.3, 7.2.1): each way an attacker might
// hold a session without both factors, tried against both layers, the edge
// middleware and the server-side check of pages, actions and the API.
type Attack = { name: string; cookie: (user: TestUser) => Promise<[name: string, value: string]> };

// A session as the app issues it after both factors; each attack changes one thing.
const complete = (user: TestUser) => completeSessionClaims(user);

const ATTACKS: Attack[] = [
  {
    name: "a password-only session (the pending sign-in's challenge cookie)",
    cookie: async (user) => {
      const browser = new Browser(freshIp());
      await passPasswordStep(browser, user);
      return [CHALLENGE_COOKIE, browser.cookies.get(CHALLENGE_COOKIE) as string];
    },
  },
  {
    name: "a password-only session token (signed by the app, without the 2FA claim)",
    cookie: async (user) => {
      const { mfa: _twoFactorClaim, ...passwordOnly } = await complete(user);
      return [SESSION_COOKIE, await mintSession(passwordOnly)];
    },
  },
  {
    name: "a forged session cookie (an unsigned JWT claiming 2FA)",
    cookie: async (user) => [
      SESSION_COOKIE,
      `${base64url({ alg: "none", typ: "JWT" })}.${base64url(await complete(user))}.`,
    ],
  },
  {
    name: "an altered session cookie (one character of a real one changed)",
    cookie: async (user) => {
      const [header, key, iv, ciphertext, tag] = (await signInFully(new Browser(freshIp()), user)).split(".");
      const middle = Math.floor(ciphertext.length / 2);
      const flipped = ciphertext[middle] === "A" ? "B" : "A";
      const altered = `${ciphertext.slice(0, middle)}${flipped}${ciphertext.slice(middle + 1)}`;
      return [SESSION_COOKIE, [header, key, iv, altered, tag].join(".")];
    },
  },
  {
    name: "an expired session cookie",
    cookie: async (user) => [SESSION_COOKIE, await mintSession(await complete(user), { maxAge: -60 })],
  },
  {
    name: "a session cookie encrypted with another AUTH_SECRET",
    cookie: async (user) => [
      SESSION_COOKIE,
      await mintSession(await complete(user), { secret: "another-auth-secret-0123456789abcdef0123" }),
    ],
  },
];

async function accountState(user: TestUser) {
  const [row, factor, recoveryCodes, tokens, events] = await Promise.all([
    db.user.findUniqueOrThrow({ where: { id: user.id } }),
    db.totpFactor.findUniqueOrThrow({ where: { userId: user.id } }),
    db.recoveryCode.findMany({ where: { userId: user.id }, orderBy: { id: "asc" } }),
    db.accessToken.findMany({ where: { userId: user.id }, orderBy: { jti: "asc" } }),
    db.securityEvent.findMany({ where: { userId: user.id }, orderBy: { id: "asc" } }),
  ]);
  return { row, factor, recoveryCodes, tokens, events, counts: await rowCounts() };
}

// Every action that needs a signed-in user, given what an attacker holding
// the password (and even a current code) would send.
async function sessionActions(user: TestUser): Promise<[string, () => Promise<unknown>][]> {
  const code = await currentCode(user.secret);
  return [
    [
      "regenerate recovery codes",
      () => security.regenerateRecoveryCodesAction({}, form({ password: user.password, code })),
    ],
    ["start re-enrolment", () => security.startReenrolAction({}, form({ password: user.password, code }))],
    ["confirm re-enrolment", () => security.confirmReenrolAction({}, form({ newCode: code }))],
    ["sign out everywhere", () => security.signOutEverywhereAction()],
    ["email a re-authentication code", () => security.sendReauthCodeAction()],
    ["issue a new token", () => issueTokenAction()],
    ["email the token", () => emailTokenAction()],
  ];
}

const PAGES: [string, () => Promise<unknown>][] = [
  ["/dashboard", () => DashboardPage()],
  ["/settings/security", () => SecuritySettingsPage({ searchParams: Promise.resolve({}) })],
  ["/token", () => TokenPage({ searchParams: Promise.resolve({}) })],
];

let user: TestUser;
let attacker: Browser;

beforeEach(async () => {
  user = await createEnrolledUser();
  attacker = new Browser(freshIp());
});

describe("control: a session from a completed sign-in", () => {
  it("opens every protected page and passes the server-side check", async () => {
    // So is a token minted with the app's secret and claims: the attacks
    // below differ from it only in what they name.
    const minted = await mintSession(await complete(user));
    expect(await throughMiddleware("/dashboard", `${SESSION_COOKIE}=${minted}`)).toMatchObject({
      passed: true,
    });

    const session = await signInFully(attacker, user);
    for (const path of PROTECTED_PAGES) {
      expect(await throughMiddleware(path, `${SESSION_COOKIE}=${session}`)).toMatchObject({ passed: true });
    }
    expect((await attacker.run(() => getCurrentSession()))?.user.id).toBe(user.id);
    for (const [, page] of PAGES) {
      expect((await attacker.run(() => runAction(page))).redirectedTo).toBeUndefined();
    }
    expect((await attacker.run(() => runAction(() => issueTokenAction()))).redirectedTo).toBe(
      "/token?issued=1",
    );
  });
});

describe.each(ATTACKS)("$name", ({ cookie }) => {
  async function plant(): Promise<string> {
    const [name, value] = await cookie(user);
    attacker.cookies.set(name, value);
    return `${name}=${value}`;
  }

  it("is turned away by the middleware from /dashboard, /settings/security and /token", async () => {
    const header = await plant();
    for (const path of [...PROTECTED_PAGES, "/token/", "/settings/security?tab=events"]) {
      const verdict = await throughMiddleware(path, header);
      expect(verdict).toMatchObject({ passed: false, status: 307 });
      const location = new URL(verdict.location as string);
      expect(location.pathname).toBe("/login");
      expect(location.searchParams.get("callbackUrl")).toBe(path);
    }
  });

  it("is refused by the server-side check and by every protected page", async () => {
    await plant();
    expect(await attacker.run(() => getCurrentSession())).toBeNull();
    for (const [path, page] of PAGES) {
      const { redirectedTo } = await attacker.run(() => runAction(page));
      expect(redirectedTo).toBe(`/login?callbackUrl=${encodeURIComponent(path)}`);
    }
  });

  it("cannot run any server action that needs a session, and changes nothing", async () => {
    await plant();
    const before = await accountState(user);
    for (const [name, action] of await sessionActions(user)) {
      const { redirectedTo } = await attacker.run(() => runAction(action));
      expect({ name, redirectedTo }).toEqual({ name, redirectedTo: expect.stringMatching(/^\/login\?/) });
    }
    expect(await accountState(user)).toEqual(before);
  });

  it("is refused by /api/me, as a cookie and as a bearer token", async () => {
    const header = await plant();
    const value = header.slice(header.indexOf("=") + 1);
    const attempts: Record<string, string>[] = [
      { cookie: header },
      { cookie: header, authorization: `Bearer ${value}` },
    ];
    for (const headers of attempts) {
      const response = await me(apiRequest("/api/me", { headers }));
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer realm="api"/);
    }
  });
});

describe("a password-only sign-in", () => {
  it("cannot be turned into a session through the setup-2fa actions", async () => {
    await passPasswordStep(attacker, user);
    const code = await currentCode(user.secret);
    const before = await accountState(user);
    const expired = { message: expect.stringMatching(/^Your setup session has expired/) };
    expect(
      (await attacker.run(() => runAction(() => setup.confirmSetupAction({}, form({ code }))))).result,
    ).toEqual(expired);
    expect(
      (await attacker.run(() => runAction(() => setup.confirmEmailSetupAction({}, form({ code: "123456" })))))
        .result,
    ).toEqual(expired);
    expect((await attacker.run(() => runAction(() => setup.sendSetupEmailCodeAction()))).result).toEqual(
      expired,
    );
    expect((await attacker.run(() => runAction(() => setup.continueAfterSetupAction()))).redirectedTo).toBe(
      "/login?expired=1",
    );
    expect(attacker.cookies.has(SESSION_COOKIE)).toBe(false);
    expect(await accountState(user)).toEqual(before);
  });

  it("cannot be turned into a session by posting its challenge to the credentials callback", async () => {
    await passPasswordStep(attacker, user);
    const challenge = attacker.cookies.get(CHALLENGE_COOKIE) as string;
    const csrf = await authGet(
      new NextRequest("http://localhost:3000/api/auth/csrf", {
        headers: { host: "localhost:3000", "x-forwarded-proto": "http" },
      }),
    );
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const csrfCookie = csrf.headers
      .getSetCookie()
      .map((line) => line.split(";")[0])
      .join("; ");
    const response = await authPost(
      new NextRequest("http://localhost:3000/api/auth/callback/credentials", {
        method: "POST",
        headers: {
          host: "localhost:3000",
          "x-forwarded-proto": "http",
          "content-type": "application/x-www-form-urlencoded",
          cookie: `${csrfCookie}; ${CHALLENGE_COOKIE}=${challenge}`,
        },
        body: new URLSearchParams({ csrfToken, challenge, callbackUrl: "/dashboard" }),
      }),
    );
    expect(response.headers.getSetCookie().some((line) => line.startsWith(`${SESSION_COOKIE}=`))).toBe(false);
    expect(response.headers.get("location")).toMatch(/\/login\?error=CredentialsSignin/);
    const row = await db.signInChallenge.findFirstOrThrow({ where: { userId: user.id } });
    expect(row).toMatchObject({ verifiedAt: null, consumedAt: null });
  });
});
