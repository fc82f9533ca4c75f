/** @jest-environment node */
import { decode } from "next-auth/jwt";
import { loginAction } from "@/app/login/actions";
import { verifyAction } from "@/app/login/verify/actions";
import { changePasswordAction } from "@/app/settings/security/actions";
import { GET as authGet, POST as authPost } from "@/app/api/auth/[...nextauth]/route";
import {
  mintSession,
  passPasswordStep,
  quietAuthErrors,
  SESSION_COOKIE,
  signInFully,
} from "@/__tests__/kit/attacker";
import { Browser } from "@/__tests__/kit/browsers";
import { form, runAction } from "@/__tests__/kit/request-scope";
import { createEnrolledUser, currentCode, rowCounts, type TestUser } from "@/__tests__/kit/users";
import { subject as passwordChangedSubject } from "@/emails/password-changed";
import { issueAccessToken, validateAccessToken } from "@/lib/server/tokens/access-tokens";
import { db } from "@/lib/server/platform/db";
import { hashPassword } from "@/lib/server/accounts/password";
import { getCurrentSession } from "@/lib/server/sign-in/session";
import { grantNextSessionVersion } from "@/lib/server/sign-in/session-grant";
import { freshIp } from "@/__tests__/kit/names";
import { watchOutbox } from "@/__tests__/kit/outbox";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);
// next/cache needs Next's request store, which jest has not (security-actions.test.ts checks the call).
jest.mock("next/cache", () => ({ revalidatePath: jest.fn() }));
quietAuthErrors();

const newBrowser = () => new Browser(freshIp());
const NEW_PASSWORD = "a fresh and quite long passphrase";

// getCurrentSession is cached per request (React cache); each call here is a
// request of its own.
const currentUserId = (browser: Browser) =>
  browser.run(async () => (await getCurrentSession())?.user.id ?? null);

const change = (browser: Browser, fields: Record<string, string | Blob>) =>
  browser.run(() => runAction(() => changePasswordAction({}, form(fields))));

const login = (browser: Browser, username: string, password: string) =>
  browser.run(() => runAction(() => loginAction({}, form({ identifier: username, password }))));

const sessionClaims = (browser: Browser) =>
  decode({
    token: browser.cookies.get(SESSION_COOKIE),
    secret: process.env.AUTH_SECRET as string,
    salt: SESSION_COOKIE,
  });

const userRow = (user: TestUser) => db.user.findUniqueOrThrow({ where: { id: user.id } });

// Runs `work` with the clock `seconds` ahead, so that a sign-in in another
// browser uses a TOTP time step of its own.
async function later<T>(seconds: number, work: () => Promise<T>): Promise<T> {
  jest.useFakeTimers({
    now: Date.now() + seconds * 1000,
    doNotFake: ["nextTick", "setImmediate", "queueMicrotask"],
  });
  try {
    return await work();
  } finally {
    jest.useRealTimers();
  }
}

// "subject to address" of each email written to the outbox since the call.
function mailSpy() {
  const written = watchOutbox();
  return () => written().map((mail) => `"${mail.subject}" to ${mail.to}`);
}

describe("changing the password", () => {
  it("needs the current password and a current code; then the new password signs in and the old one does not", async () => {
    const user = await createEnrolledUser();
    const browser = newBrowser();
    await signInFully(browser, user);
    const mailed = mailSpy();

    const { result } = await change(browser, {
      password: user.password,
      newPassword: NEW_PASSWORD,
      code: await currentCode(user.secret, 1),
    });
    expect(result).toEqual({
      done: true,
      message:
        "Your password was changed. Every other session was signed out and your access tokens revoked.",
    });
    expect((await userRow(user)).passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await db.securityEvent.count({ where: { userId: user.id, type: "password_changed" } })).toBe(1);
    const notices = mailed().filter((line) => line.includes(passwordChangedSubject));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(user.email);

    const other = newBrowser();
    expect((await login(other, user.username, user.password)).result?.message).toBe(
      "Invalid username or password",
    );
    expect((await login(other, user.username, NEW_PASSWORD)).redirectedTo).toMatch(/^\/login\/verify/);
  });

  it("ends every other session and access token and every pending sign-in, and keeps this browser signed in", async () => {
    const user = await createEnrolledUser();
    const laptop = newBrowser();
    const phone = newBrowser();
    const halfway = newBrowser();
    await signInFully(laptop, user);
    await later(30, () => signInFully(phone, user));
    await passPasswordStep(halfway, user);
    const oldToken = await issueAccessToken(await userRow(user));
    expect(await currentUserId(laptop)).toBe(user.id);

    const { result } = await change(phone, {
      password: user.password,
      newPassword: NEW_PASSWORD,
      code: user.recoveryCodes[0],
    });
    expect(result?.done).toBe(true);

    expect((await userRow(user)).sessionVersion).toBe(1);
    expect(await currentUserId(phone)).toBe(user.id);
    expect((await sessionClaims(phone))?.sv).toBe(1);
    expect(await currentUserId(laptop)).toBeNull();
    expect(await validateAccessToken(oldToken.token)).toEqual({ valid: false, reason: "revoked" });
    // The sign-in that began with the old password cannot finish, even with the right code.
    const verified = await later(60, async () => {
      const code = await currentCode(user.secret);
      return halfway.run(() => runAction(() => verifyAction({}, form({ method: "totp", code }))));
    });
    expect(verified.redirectedTo).toBe("/login?expired=1");
    expect(halfway.cookies.has(SESSION_COOKIE)).toBe(false);
  });

  it("lets no browser raise its own session version or second-factor claim through POST /api/auth/session", async () => {
    const user = await createEnrolledUser();
    const laptop = newBrowser();
    const phone = newBrowser();
    await signInFully(laptop, user);
    await later(30, () => signInFully(phone, user));
    const phoneSessionId = (await sessionClaims(phone))?.sid as string;
    const laptopSessionId = (await sessionClaims(laptop))?.sid as string;
    await change(phone, { password: user.password, newPassword: NEW_PASSWORD, code: user.recoveryCodes[1] });

    // The server's grant for the phone, replayed for the laptop; a grant
    // with a made-up MAC; and plain claims.
    const attempts = [
      grantNextSessionVersion(phoneSessionId, 0),
      { versionGrant: { sessionId: laptopSessionId, from: 0, exp: 4_000_000_000, mac: "0".repeat(64) } },
      { sv: 1, sessionVersion: 1, mfa: true, twoFactorComplete: true, user: { id: user.id } },
    ];
    // None raises it: the stale session is answered as signed out and its
    // cookie cleared (lib/server/sign-in/session-endpoint.ts).
    const laptopCookie = laptop.cookies.get(SESSION_COOKIE) as string;
    for (const data of attempts) {
      laptop.cookies.set(SESSION_COOKIE, laptopCookie);
      await postSessionUpdate(laptop, data);
      expect(laptop.cookies.has(SESSION_COOKIE)).toBe(false);
      laptop.cookies.set(SESSION_COOKIE, laptopCookie);
      expect(await currentUserId(laptop)).toBeNull();
    }

    // A session cookie without the second factor is not raised to one with it.
    const half = newBrowser();
    half.cookies.set(SESSION_COOKIE, await mintSession({ sub: user.id, sv: 1, sid: "half", at: 0 }));
    await postSessionUpdate(half, { mfa: true, twoFactorComplete: true, at: Math.floor(Date.now() / 1000) });
    const claims = await sessionClaims(half);
    expect(claims?.mfa).toBeUndefined();
    expect(await currentUserId(half)).toBeNull();
  });

  it("refuses a wrong current password, changing nothing", async () => {
    const user = await createEnrolledUser();
    const browser = newBrowser();
    await signInFully(browser, user);
    const before = await userRow(user);
    const { result } = await change(browser, {
      password: "not the password",
      newPassword: NEW_PASSWORD,
      code: await currentCode(user.secret, 1),
    });
    expect(result?.errors?.password).toEqual(["That password is not right"]);
    expect(result?.done).toBeUndefined();
    expect(await userRow(user)).toEqual(before);
  });

  it("refuses a wrong code after the right password, changing nothing", async () => {
    const user = await createEnrolledUser();
    const browser = newBrowser();
    await signInFully(browser, user);
    const before = await userRow(user);
    const { result } = await change(browser, {
      password: user.password,
      newPassword: NEW_PASSWORD,
      code: "000000",
    });
    expect(result?.errors?.code).toEqual(["That code is not right or was already used"]);
    expect(await userRow(user)).toEqual(before);
    expect(await currentUserId(browser)).toBe(user.id);
  });

  it.each([
    ["too short", () => "short", "Password must be at least 8 characters"],
    ["too long", () => "x".repeat(129), "Password must be at most 128 characters"],
    ["common", () => "password1", "This password is too common. Choose a longer or less predictable one."],
    [
      "the username",
      (user: TestUser) => user.username.toUpperCase(),
      "Your password must not contain your username",
    ],
    [
      "containing the username",
      (user: TestUser) => `my ${user.username} 2024`,
      "Your password must not contain your username",
    ],
    [
      "the current one",
      (user: TestUser) => user.password,
      "Choose a password different from your current one",
    ],
  ])("refuses a new password that is %s without spending the code", async (_name, newPassword, message) => {
    // The helper's passwords contain the username; this one passes every rule.
    const user = { ...(await createEnrolledUser()), password: "an old but valid passphrase" };
    await db.user.update({
      where: { id: user.id },
      data: { passwordHash: await hashPassword(user.password) },
    });
    const browser = newBrowser();
    await signInFully(browser, user);
    const before = await userRow(user);
    const { result } = await change(browser, {
      password: user.password,
      newPassword: newPassword(user),
      code: user.recoveryCodes[2],
    });
    expect(result?.errors).toEqual({ newPassword: [message] });
    expect(await userRow(user)).toEqual(before);
    expect(await db.recoveryCode.count({ where: { userId: user.id, usedAt: null } })).toBe(10);
  });

  it.each([
    ["no fields", {}],
    ["files", { password: new Blob(["p"]), newPassword: new Blob([NEW_PASSWORD]), code: new Blob(["c"]) }],
    [
      "10,000-character strings",
      { password: "p".repeat(10_000), newPassword: "n".repeat(10_000), code: "1".repeat(10_000) },
    ],
    ["no current password", { newPassword: NEW_PASSWORD, code: "123456" }],
    ["no code", { password: "whatever it is", newPassword: NEW_PASSWORD }],
    ["a code that is neither kind", { password: "x", newPassword: NEW_PASSWORD, code: "🙂🙂🙂" }],
    ["control characters", { password: "\u0000", newPassword: "\u0000\uD800🦊", code: "\u0000" }],
  ])("refuses bad input (%s), writing nothing", async (_name, fields) => {
    const user = await createEnrolledUser();
    const browser = newBrowser();
    await signInFully(browser, user);
    const before = { counts: await rowCounts(), user: await userRow(user) };
    const { result, redirectedTo } = await change(browser, fields);
    expect(redirectedTo).toBeUndefined();
    expect(Object.keys(result?.errors ?? {}).length).toBeGreaterThan(0);
    expect({ counts: await rowCounts(), user: await userRow(user) }).toEqual(before);
  });

  it("sends a browser without a session to sign in, changing nothing", async () => {
    const { redirectedTo } = await change(newBrowser(), {
      password: "x",
      newPassword: NEW_PASSWORD,
      code: "123456",
    });
    expect(redirectedTo).toBe("/login?callbackUrl=%2Fsettings%2Fsecurity");
  });
});

// What a browser's `update()` (next-auth/react) sends: a CSRF token from
// GET /api/auth/csrf, then a JSON POST to /api/auth/session.
async function postSessionUpdate(browser: Browser, data: unknown): Promise<void> {
  const base = "http://localhost:3000/api/auth";
  const headers = () => {
    const list = browser.headers();
    list.set("origin", "http://localhost:3000");
    return list;
  };
  const csrf = await browser.run(() => authGet(new Request(`${base}/csrf`, { headers: headers() }) as never));
  keepCookies(browser, csrf.headers);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const post = headers();
  post.set("content-type", "application/json");
  const response = await browser.run(() =>
    authPost(
      new Request(`${base}/session`, {
        method: "POST",
        headers: post,
        body: JSON.stringify({ csrfToken, data }),
      }) as never,
    ),
  );
  expect(response.status).toBe(200);
  keepCookies(browser, response.headers);
}

function keepCookies(browser: Browser, headers: Headers): void {
  for (const line of headers.getSetCookie()) {
    const pair = line.split(";")[0];
    const name = pair.slice(0, pair.indexOf("="));
    const value = pair.slice(pair.indexOf("=") + 1);
    if (value) browser.cookies.set(name, value);
    else browser.cookies.delete(name);
  }
}
