/** @jest-environment node */
import { loginAction } from "@/app/login/actions";
import { verifyAction } from "@/app/login/verify/actions";
import { regenerateRecoveryCodesAction } from "@/app/settings/security/actions";
import { CHALLENGE_COOKIE, freshIp, quietAuthErrors, SESSION_COOKIE } from "@/__tests__/kit/attacker";
import { Browser } from "@/__tests__/kit/browsers";
import { form, runAction } from "@/__tests__/kit/request-scope";
import { createEnrolledUser, type TestUser } from "@/__tests__/kit/users";
import { db } from "@/lib/server/platform/db";
import { passwordLimitSubject } from "@/lib/server/sign-in/known-device";
import { generateTotpCode } from "@/lib/server/factors/totp";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);
// next/cache needs Next's request store, which jest has not.
jest.mock("next/cache", () => ({ revalidatePath: jest.fn() }));
quietAuthErrors();
jest.setTimeout(120_000);

// The limits of README.md "Security rules" against an attacker with many
// addresses (ASVS 6.3.1, 6.5.x). The clock is faked (Date only; timers stay
// real, as the database needs them), so minutes of waiting pass at once.
const INVALID = "Invalid username or password";
const TOO_MANY = /^Too many attempts\. Try again in (\d+) (second|minute)s?\.$/;
const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);

let now = T0;
function setClock(ms: number): void {
  now = ms;
  jest.setSystemTime(ms);
}

beforeEach(() => {
  jest.useFakeTimers({
    doNotFake: ["nextTick", "setImmediate", "setTimeout", "setInterval", "queueMicrotask"],
  });
  setClock(T0);
});

afterEach(() => {
  jest.useRealTimers();
});

// 50 addresses as the proxy (TRUSTED_PROXY_HOPS=1) reports them, a range of
// each test's own; the attacker also forges a leftmost X-Forwarded-For entry,
// which must count for nothing.
const ATTACKER_IPS = 50;
let range = 0;
beforeEach(() => {
  range++;
});
const attackerIp = (i: number) => `198.18.${range}.${(i % ATTACKER_IPS) + 1}`;
const attackerBrowser = (i: number) => new Browser(`10.${i % 256}.0.1, ${attackerIp(i)}`);

type Outcome = { redirectedTo?: string; message?: string };

async function tryPassword(browser: Browser, identifier: string, password: string): Promise<Outcome> {
  const { result, redirectedTo } = await browser.run(() =>
    runAction(() => loginAction({}, form({ identifier, password }))),
  );
  return { redirectedTo, message: result?.message };
}

const retrySeconds = (message?: string): number => {
  const match = TOO_MANY.exec(message ?? "");
  if (!match) throw new Error(`not a retry message: ${message}`);
  return Number(match[1]) * (match[2] === "minute" ? 60 : 1);
};

const checkedPasswords = (user: TestUser) =>
  db.securityEvent.count({ where: { userId: user.id, type: "sign_in_failed_password" } });

async function completeSignIn(browser: Browser, user: TestUser): Promise<Outcome> {
  return tryCode(browser, await generateTotpCode(user.secret, now));
}

// The owner's own browser: it signed in before (so it holds the
// known-device cookie), then its session ended.
async function browserThatSignedInBefore(user: TestUser): Promise<Browser> {
  const owner = new Browser(freshIp());
  expect((await tryPassword(owner, user.username, user.password)).redirectedTo).toMatch(/^\/login\/verify/);
  expect((await completeSignIn(owner, user)).redirectedTo).toBe("/dashboard");
  owner.cookies.delete(SESSION_COOKIE);
  return owner;
}

// A six-digit guess that is neither the current code nor a neighbouring
// step's, so that a success could only be a bug.
async function wrongCode(user: TestUser, seed: number): Promise<string> {
  const valid = new Set(
    await Promise.all([-1, 0, 1].map((step) => generateTotpCode(user.secret, now + step * 30_000))),
  );
  for (let n = seed; ; n++) {
    const code = String(n % 1_000_000).padStart(6, "0");
    if (!valid.has(code)) return code;
  }
}

async function tryCode(browser: Browser, code: string): Promise<Outcome> {
  const { result, redirectedTo } = await browser.run(() =>
    runAction(() => verifyAction({}, form({ method: "totp", code }))),
  );
  return { redirectedTo, message: result?.message };
}

describe("password guessing", () => {
  it("1,000 wrong passwords from 50 IPs at once: zero successes, 5 checked, each IP capped at 20 failures per 15 minutes", async () => {
    const user = await createEnrolledUser();
    const outcomes: Outcome[] = [];
    for (let i = 0; i < 1000; i++) {
      outcomes.push(await tryPassword(attackerBrowser(i), user.username, `guess-${i}-${user.username}`));
    }

    expect(outcomes.filter((outcome) => outcome.redirectedTo !== undefined)).toHaveLength(0);
    expect(outcomes.slice(0, 5).map((outcome) => outcome.message)).toEqual(Array(5).fill(INVALID));
    expect(outcomes.slice(5).every((outcome) => TOO_MANY.test(outcome.message ?? ""))).toBe(true);
    expect(retrySeconds(outcomes[5].message)).toBe(30);
    // Only the five free tries reached argon2; the limits answered the rest.
    expect(await checkedPasswords(user)).toBe(5);

    // Each address has used its 20 failures: even another account's right
    // password is refused from it for 15 minutes, and forging the leftmost
    // X-Forwarded-For entry does not help.
    const bystander = await createEnrolledUser();
    for (let i = 0; i < ATTACKER_IPS; i++) {
      const outcome = await tryPassword(attackerBrowser(i + 7), bystander.username, bystander.password);
      expect(outcome).toEqual({ message: "Too many attempts. Try again in 15 minutes." });
    }
    setClock(T0 + 15 * 60_000 + 1000);
    expect(
      (await tryPassword(attackerBrowser(0), bystander.username, bystander.password)).redirectedTo,
    ).toMatch(/^\/login\/verify/);
  });

  it("an attacker who keeps guessing waits 30 s, 1, 2, 4, 8 minutes, then 15 minutes between checked guesses; the real user signs in once the delay passes", async () => {
    const user = await createEnrolledUser();
    // 330 guesses, one every 6 seconds (10 a minute, the most one name takes
    // whatever the outcome) round-robin over 50 IPs (each IP: one try per
    // 300 s, under its own cap), for 33 minutes.
    const checkedAt: number[] = [];
    let refused = 0;
    for (let i = 0; i < 330; i++) {
      setClock(T0 + i * 6000);
      const outcome = await tryPassword(attackerBrowser(i), user.username, `guess-${i}-${user.username}`);
      expect(outcome.redirectedTo).toBeUndefined();
      if (outcome.message === INVALID) checkedAt.push((now - T0) / 1000);
      else {
        expect(outcome.message).toMatch(TOO_MANY);
        refused++;
      }
    }
    expect(checkedAt).toEqual([0, 6, 12, 18, 24, 54, 114, 234, 474, 954, 1854]);
    const gaps = checkedAt.slice(1).map((at, i) => at - checkedAt[i]);
    expect(gaps).toEqual([6, 6, 6, 6, 30, 60, 120, 240, 480, 900]);
    expect(refused).toBe(330 - checkedAt.length);
    expect(await checkedPasswords(user)).toBe(checkedAt.length);

    // The real user, a minute later (past the name's step limit), from a
    // browser and address of their own, is told when to come back, and then
    // signs in with both factors.
    setClock(now + 60_000);
    const owner = new Browser(freshIp());
    const held = await tryPassword(owner, user.username, user.password);
    const wait = retrySeconds(held.message);
    expect(wait).toBeLessThanOrEqual(15 * 60);
    setClock(now + wait * 1000);
    expect((await tryPassword(owner, user.username, user.password)).redirectedTo).toMatch(/^\/login\/verify/);
    expect((await completeSignIn(owner, user)).redirectedTo).toBe("/dashboard");
    expect(owner.cookies.has(SESSION_COOKIE)).toBe(true);
    // Success forgets the failures: the next mistake is a free one again.
    const delayKey = `password:${await passwordLimitSubject(user.username, null)}`;
    expect(await db.rateLimit.count({ where: { key: delayKey } })).toBe(0);
  });
});

describe("two names of one account", () => {
  it("an attacker alternating the username and the email for a day gets each name's 104 checked guesses, 208 in all, and no answer that links them", async () => {
    const user = await createEnrolledUser();
    const names = [user.username, user.email];
    const checked = [0, 0];
    // One guess every 30 seconds, the names taking turns (each name once a
    // minute), round-robin over 50 IPs, for 24 hours.
    for (let i = 0; i < 2 * 24 * 60; i++) {
      setClock(T0 + i * 30_000);
      const outcome = await tryPassword(attackerBrowser(i), names[i % 2], `guess-${i}`);
      expect(outcome.redirectedTo).toBeUndefined();
      if (outcome.message === INVALID) checked[i % 2]++;
      else expect(outcome.message).toMatch(TOO_MANY);
    }
    // 5 free, 30 s, 1, 2, 4, 8 minutes, then one per 15 minutes: 104 a day
    // per name, as one name was allowed before; the account's two names double it.
    expect(checked).toEqual([104, 104]);
    expect(await checkedPasswords(user)).toBe(208);
  });
});

describe("holding the owner out", () => {
  it("an attacker who guesses at every allowed moment for 5 hours cannot keep the owner out of a browser that signed in before", async () => {
    const user = await createEnrolledUser();
    const owner = await browserThatSignedInBefore(user);

    // The attacker's guesses keep the account's delay at its 15-minute top.
    let guesses = 0;
    let ownerSignIns = 0;
    while (now < T0 + 5 * 60 * 60_000) {
      const outcome = await tryPassword(attackerBrowser(guesses), user.username, `guess-${guesses}`);
      guesses++;
      expect(outcome.redirectedTo).toBeUndefined();
      if (outcome.message !== INVALID) {
        const wait = retrySeconds(outcome.message);
        // Half-way through the attacker's wait the owner signs in, with both factors.
        if (wait > 60) {
          setClock(now + (wait / 2) * 1000);
          expect((await tryPassword(owner, user.username, user.password)).redirectedTo).toMatch(
            /^\/login\/verify/,
          );
          expect((await completeSignIn(owner, user)).redirectedTo).toBe("/dashboard");
          owner.cookies.delete(SESSION_COOKIE);
          ownerSignIns++;
          setClock(now + (wait / 2) * 1000);
        } else setClock(now + wait * 1000);
      }
    }
    expect(ownerSignIns).toBeGreaterThanOrEqual(15);
    expect(await tryPassword(attackerBrowser(guesses), user.username, "one more")).toEqual({
      message: INVALID,
    });
    // A browser the account never signed in from is still held back, and so
    // is one with a forged or borrowed device cookie.
    expect((await tryPassword(new Browser(freshIp()), user.username, user.password)).message).toMatch(
      TOO_MANY,
    );
    const [name, value] = [...owner.cookies].find(([cookie]) => cookie.includes("known-device")) ?? [];
    expect(name).toBeDefined();
    const [, nonce, mac] = (value as string).split(".");
    const other = await createEnrolledUser();
    const borrowed = new Browser(freshIp());
    borrowed.cookies.set(
      name as string,
      `${user.id}.${nonce}.${mac.replace(/^./, mac[0] === "a" ? "b" : "a")}`,
    );
    expect((await tryPassword(borrowed, user.username, user.password)).message).toMatch(TOO_MANY);
    borrowed.cookies.set(name as string, value as string);
    for (let i = 0; i < 5; i++) await tryPassword(borrowed, other.username, `guess-${i}`);
    expect((await tryPassword(new Browser(freshIp()), other.username, other.password)).message).toMatch(
      TOO_MANY,
    );
  });

  it("an attacker who knows the password and spends the account's 10 code tries every 15 minutes cannot keep the owner out of a browser that signed in before, nor out of the settings", async () => {
    const user = await createEnrolledUser();
    const owner = await browserThatSignedInBefore(user);

    const attacker = attackerBrowser(0);
    for (let window = 0; window < 8; window++) {
      // Ten wrong codes over two pending sign-ins spend the account's tries.
      for (let sweep = 0; sweep < 2; sweep++) {
        expect((await tryPassword(attacker, user.username, user.password)).redirectedTo).toMatch(
          /^\/login\/verify/,
        );
        for (let i = 0; i < 5; i++)
          await tryCode(attacker, await wrongCode(user, 100_000 + window * 10 + sweep * 5 + i));
      }
      expect((await tryPassword(attacker, user.username, user.password)).redirectedTo).toMatch(
        /^\/login\/verify/,
      );
      expect((await completeSignIn(attacker, user)).message).toMatch(TOO_MANY);

      setClock(now + 7 * 60_000);
      expect((await tryPassword(owner, user.username, user.password)).redirectedTo).toMatch(
        /^\/login\/verify/,
      );
      expect((await completeSignIn(owner, user)).redirectedTo).toBe("/dashboard");
      setClock(now + 8 * 60_000 + 1000);
    }
    expect(attacker.cookies.has(SESSION_COOKIE)).toBe(false);

    // Signed in, the owner can still change their second factor's settings
    // while the account's code tries are spent.
    for (let sweep = 0; sweep < 2; sweep++) {
      expect((await tryPassword(attacker, user.username, user.password)).redirectedTo).toMatch(
        /^\/login\/verify/,
      );
      for (let i = 0; i < 5; i++) await tryCode(attacker, await wrongCode(user, 200_000 + sweep * 5 + i));
    }
    expect((await tryPassword(attacker, user.username, user.password)).redirectedTo).toMatch(
      /^\/login\/verify/,
    );
    expect((await tryCode(attacker, await wrongCode(user, 300_000))).message).toMatch(TOO_MANY);
    setClock(now + 60_000);
    const code = await generateTotpCode(user.secret, now);
    const regenerated = await owner.run(() =>
      runAction(() => regenerateRecoveryCodesAction({}, form({ password: user.password, code }))),
    );
    expect(regenerated.result?.recoveryCodes).toHaveLength(10);
  });

  it("a known browser has delays of its own: 5 wrong passwords there hold it back 30 seconds", async () => {
    const user = await createEnrolledUser();
    const device = new Browser(freshIp());
    await tryPassword(device, user.username, user.password);
    expect((await completeSignIn(device, user)).redirectedTo).toBe("/dashboard");
    for (let i = 0; i < 5; i++) {
      expect((await tryPassword(device, user.username, `guess-${i}`)).message).toBe(INVALID);
    }
    expect((await tryPassword(device, user.username, user.password)).message).toBe(
      "Too many attempts. Try again in 30 seconds.",
    );
  });
});

describe("code guessing (the attacker knows the password)", () => {
  // Six-digit guesses that are not the user's current code, nor the codes of
  // the neighbouring steps, so a success could only be a bug.
  async function wrongCodes(user: TestUser, count: number): Promise<string[]> {
    const valid = new Set(
      await Promise.all([-1, 0, 1].map((step) => generateTotpCode(user.secret, now + step * 30_000))),
    );
    const codes: string[] = [];
    for (let n = 0; codes.length < count; n++) {
      const code = String((n * 7919) % 1_000_000).padStart(6, "0");
      if (!valid.has(code)) codes.push(code);
    }
    return codes;
  }

  const checkedCodes = (user: TestUser) =>
    db.securityEvent.count({ where: { userId: user.id, type: "sign_in_failed_code" } });

  it("1,000 wrong codes against one challenge: zero successes, the fifth voids it, even the right code then fails", async () => {
    const user = await createEnrolledUser();
    const attacker = attackerBrowser(0);
    expect((await tryPassword(attacker, user.username, user.password)).redirectedTo).toMatch(
      /^\/login\/verify/,
    );
    const outcomes: Outcome[] = [];
    for (const code of await wrongCodes(user, 1000)) outcomes.push(await tryCode(attacker, code));

    expect(outcomes.slice(0, 4).map((outcome) => outcome.message)).toEqual([
      "4 tries left before you need to sign in again.",
      "3 tries left before you need to sign in again.",
      "2 tries left before you need to sign in again.",
      "1 try left before you need to sign in again.",
    ]);
    expect(outcomes.slice(4).every((outcome) => outcome.redirectedTo === "/login?expired=1")).toBe(true);
    expect(await checkedCodes(user)).toBe(5);
    expect(await tryCode(attacker, await generateTotpCode(user.secret, now))).toEqual({
      redirectedTo: "/login?expired=1",
    });
    expect(attacker.cookies.has(SESSION_COOKIE)).toBe(false);
    expect(await db.signInChallenge.count({ where: { userId: user.id, verifiedAt: { not: null } } })).toBe(0);
  });

  it("1,000 wrong codes over fresh challenges: at most 10 checked per account per 15 minutes, zero successes; the real user signs in after the window", async () => {
    const user = await createEnrolledUser();
    const attacker = attackerBrowser(1);
    const checkedPerWindow: number[] = [];
    let passwordSteps = 0;
    // One guess a second for 1,000 seconds (a little over one window).
    const guesses = await wrongCodes(user, 1000);
    for (let i = 0; i < guesses.length; i++) {
      setClock(T0 + i * 1000);
      if (!attacker.cookies.has(CHALLENGE_COOKIE)) {
        expect((await tryPassword(attacker, user.username, user.password)).redirectedTo).toMatch(
          /^\/login\/verify/,
        );
        passwordSteps++;
      }
      const outcome = await tryCode(attacker, guesses[i]);
      expect(outcome.redirectedTo === undefined || outcome.redirectedTo === "/login?expired=1").toBe(true);
      if (outcome.redirectedTo) attacker.cookies.delete(CHALLENGE_COOKIE);
      if (i === 899) checkedPerWindow.push(await checkedCodes(user));
    }
    checkedPerWindow.push((await checkedCodes(user)) - checkedPerWindow[0]);
    expect(checkedPerWindow).toEqual([10, 10]);
    // Each new challenge cost the attacker a password step, and bought no tries.
    expect(passwordSteps).toBeLessThanOrEqual(10);
    expect(attacker.cookies.has(SESSION_COOKIE)).toBe(false);

    // The limit holds the right code back too, until the window has passed.
    const owner = new Browser(freshIp());
    expect((await tryPassword(owner, user.username, user.password)).redirectedTo).toMatch(/^\/login\/verify/);
    const held = await completeSignIn(owner, user);
    expect(held.message).toMatch(TOO_MANY);
    setClock(now + retrySeconds(held.message) * 1000);
    // Meanwhile the 5-minute challenge has expired: password, then code.
    expect((await completeSignIn(owner, user)).redirectedTo).toBe("/login?expired=1");
    expect((await tryPassword(owner, user.username, user.password)).redirectedTo).toMatch(/^\/login\/verify/);
    expect((await completeSignIn(owner, user)).redirectedTo).toBe("/dashboard");
  });
});
