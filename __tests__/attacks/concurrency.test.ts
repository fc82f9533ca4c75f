/** @jest-environment node */
import { sendEmailCodeAction, verifyAction } from "@/app/login/verify/actions";
import { freshIp, passPasswordStep, quietAuthErrors, SESSION_COOKIE } from "@/__tests__/kit/attacker";
import { Browser } from "@/__tests__/kit/browsers";
import { form, runAction } from "@/__tests__/kit/request-scope";
import { createEnrolledUser, currentCode, type TestUser } from "@/__tests__/kit/users";
import { MAX_PENDING_CHALLENGES } from "@/lib/server/policy";
import { db } from "@/lib/server/platform/db";
import { watchOutbox } from "@/__tests__/kit/outbox";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);
quietAuthErrors();
jest.setTimeout(60_000);

// One code, many requests at once (ASVS 6.5.1, 6.6.3): a code is accepted
// once, whether the racing requests share one pending sign-in or each hold
// their own (an attacker who watched the code racing its owner).
const PARALLEL = 20;
// Browsers past the password step at once: the most pending sign-ins an
// account keeps (a newer one removes the oldest).
const RACING = MAX_PENDING_CHALLENGES;
const newBrowser = () => new Browser(freshIp());
// PARALLEL requests taking turns over the racing browsers.
const spread = (browsers: Browser[]): Browser[] =>
  Array.from({ length: PARALLEL }, (_unused, index) => browsers[index % browsers.length]);

type Method = "totp" | "recovery" | "email";

async function submitAll(browsers: Browser[], method: Method, code: string) {
  return Promise.all(
    browsers.map((browser) => browser.run(() => runAction(() => verifyAction({}, form({ method, code }))))),
  );
}

async function sessionsOf(user: TestUser, browsers: Browser[]) {
  return {
    withCookie: browsers.filter((browser) => browser.cookies.has(SESSION_COOKIE)).length,
    // Consumed after its second factor was accepted: a session was issued
    // (a sign-in voided by wrong codes is consumed without being verified).
    consumedChallenges: await db.signInChallenge.count({
      where: { userId: user.id, verifiedAt: { not: null }, consumedAt: { not: null } },
    }),
    signInEvents: await db.securityEvent.count({ where: { userId: user.id, type: "sign_in" } }),
  };
}
const EXACTLY_ONE = { withCookie: 1, consumedChallenges: 1, signInEvents: 1 };

// The browser's newest "Your sign-in code" email in the local outbox.
async function emailedCode(browser: Browser, user: TestUser): Promise<string> {
  const written = watchOutbox();
  const { redirectedTo } = await browser.run(() => runAction(() => sendEmailCodeAction({}, form({}))));
  expect(redirectedTo).toMatch(/^\/login\/verify\?method=email&sent=1/);
  const text = written().find((mail) => mail.subject === "Your sign-in code" && mail.to === user.email)
    ?.text as string;
  return /\b(\d{6})\b/.exec(text)?.[1] as string;
}

describe("one authenticator code", () => {
  it("submitted 20 times at once on one sign-in: exactly one session", async () => {
    const user = await createEnrolledUser();
    const browser = newBrowser();
    await passPasswordStep(browser, user);
    const code = await currentCode(user.secret);
    const outcomes = await submitAll(Array(PARALLEL).fill(browser), "totp", code);
    expect(outcomes.filter((outcome) => outcome.redirectedTo === "/dashboard")).toHaveLength(1);
    expect(await sessionsOf(user, [browser])).toEqual(EXACTLY_ONE);
  });

  it("submitted 20 times at once from 3 browsers, each past the password step: exactly one session", async () => {
    const user = await createEnrolledUser();
    const browsers = Array.from({ length: RACING }, newBrowser);
    for (const browser of browsers) await passPasswordStep(browser, user);
    const outcomes = await submitAll(spread(browsers), "totp", await currentCode(user.secret));
    expect(outcomes.filter((outcome) => outcome.redirectedTo === "/dashboard")).toHaveLength(1);
    expect(await sessionsOf(user, browsers)).toEqual(EXACTLY_ONE);
  });
});

describe("one recovery code", () => {
  it("submitted 20 times at once on one sign-in: exactly one session, one code spent", async () => {
    const user = await createEnrolledUser();
    const browser = newBrowser();
    await passPasswordStep(browser, user);
    const outcomes = await submitAll(Array(PARALLEL).fill(browser), "recovery", user.recoveryCodes[0]);
    expect(outcomes.filter((outcome) => outcome.redirectedTo?.startsWith("/dashboard"))).toHaveLength(1);
    expect(await sessionsOf(user, [browser])).toEqual(EXACTLY_ONE);
    expect(await db.recoveryCode.count({ where: { userId: user.id, usedAt: { not: null } } })).toBe(1);
  });

  it("submitted 20 times at once from 3 browsers, each past the password step: exactly one session", async () => {
    const user = await createEnrolledUser();
    const browsers = Array.from({ length: RACING }, newBrowser);
    for (const browser of browsers) await passPasswordStep(browser, user);
    const outcomes = await submitAll(spread(browsers), "recovery", user.recoveryCodes[1]);
    expect(outcomes.filter((outcome) => outcome.redirectedTo === "/dashboard")).toHaveLength(1);
    expect(await sessionsOf(user, browsers)).toEqual(EXACTLY_ONE);
  });

  it("reused after it was spent, once or 20 times at once from 3 sign-ins: no session", async () => {
    const user = await createEnrolledUser();
    const owner = newBrowser();
    await passPasswordStep(owner, user);
    expect((await submitAll([owner], "recovery", user.recoveryCodes[2]))[0].redirectedTo).toBe("/dashboard");
    const attacker = newBrowser();
    await passPasswordStep(attacker, user);
    expect((await submitAll([attacker], "recovery", user.recoveryCodes[2]))[0].result?.errors?.code).toEqual([
      "That recovery code is not valid or was already used.",
    ]);
    const browsers = Array.from({ length: RACING }, newBrowser);
    for (const browser of browsers) await passPasswordStep(browser, user);
    const outcomes = await submitAll(spread(browsers), "recovery", user.recoveryCodes[2].toLowerCase());
    expect(outcomes.filter((outcome) => outcome.redirectedTo?.startsWith("/dashboard"))).toHaveLength(0);
    expect([attacker, ...browsers].some((browser) => browser.cookies.has(SESSION_COOKIE))).toBe(false);
  });
});

describe("one emailed code", () => {
  it("submitted 20 times at once on the sign-in it was sent for: exactly one session", async () => {
    const user = await createEnrolledUser();
    const browser = newBrowser();
    await passPasswordStep(browser, user);
    const code = await emailedCode(browser, user);
    const outcomes = await submitAll(Array(PARALLEL).fill(browser), "email", code);
    expect(outcomes.filter((outcome) => outcome.redirectedTo === "/dashboard")).toHaveLength(1);
    expect(await sessionsOf(user, [browser])).toEqual(EXACTLY_ONE);
    expect(await db.emailCode.count({ where: { userId: user.id, consumedAt: { not: null } } })).toBe(1);
  });

  it("submitted at once from the account's other pending sign-ins: no session (it is bound to its own)", async () => {
    const user = await createEnrolledUser();
    const owner = newBrowser();
    await passPasswordStep(owner, user);
    const code = await emailedCode(owner, user);
    const browsers = Array.from({ length: RACING - 1 }, newBrowser);
    for (const browser of browsers) await passPasswordStep(browser, user);
    const outcomes = await submitAll(spread(browsers), "email", code);
    expect(outcomes.filter((outcome) => outcome.redirectedTo === "/dashboard")).toHaveLength(0);
    expect(browsers.some((browser) => browser.cookies.has(SESSION_COOKIE))).toBe(false);
    // The owner's code was not even tried by the others.
    expect(
      await db.emailCode.findMany({
        where: { userId: user.id },
        select: { attempts: true, consumedAt: true },
      }),
    ).toEqual([{ attempts: 0, consumedAt: null }]);
  });
});
