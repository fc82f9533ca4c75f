/** @jest-environment node */
import pg from "pg";
import {
  enterCode,
  enterPassword,
  getPage,
  hiddenFields,
  newBrowser,
  postForm,
  SESSION_COOKIE,
  submitForm,
  type Browser,
} from "../kit/forms";
import type { AppServer } from "../kit/next-server";
import { startAppOnPostgres } from "../kit/pg-app";
import { createEnrolledUser, currentCode, type TestUser } from "../kit/users";
import { freshIp } from "@/__tests__/kit/names";

// Runs only under `npm run test:pg`: two `next start` processes of the
// production build share the run's PostgreSQL database, and every scenario
// goes over HTTP through the forms, as a browser without JavaScript would.

let serverA: AppServer;
let serverB: AppServer;
let database: pg.Client;

// Each browser gets an address of its own, so per-IP limits stay out of the way.
const browserOn = (server: AppServer): Browser => newBrowser(server.origin, freshIp());

const count = async (sql: string, values: unknown[]): Promise<number> =>
  (await database.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, values)).rows[0].n;

const passwordOf = (browser: Browser, user: TestUser, password = user.password) =>
  enterPassword(browser, user.username, password);

// Both steps; with `recoveryCode`, the second step uses it instead of the
// authenticator (whose code of this time step works only once).
async function signIn(browser: Browser, user: TestUser, recoveryCode?: string): Promise<void> {
  const login = await passwordOf(browser, user);
  expect(login.status).toBe(303);
  const verify = recoveryCode
    ? await enterCode(browser, `${login.location}&method=recovery`, recoveryCode)
    : await enterCode(browser, login.location as string, await currentCode(user.secret));
  expect(verify.status).toBe(303);
  expect(verify.location).toMatch(/\/dashboard\b/);
  expect(browser.cookies.has(SESSION_COOKIE)).toBe(true);
}

beforeAll(async () => {
  database = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await database.connect();
  serverA = await startAppOnPostgres();
  serverB = await startAppOnPostgres();
}, 600_000);

afterAll(async () => {
  await Promise.all([serverA?.stop(), serverB?.stop()]);
  await database?.end();
});

describe("two instances on one PostgreSQL database", () => {
  it("writes to PostgreSQL: a sign-in on A is a row in the database, and its session opens B", async () => {
    const user = await createEnrolledUser();
    const onA = browserOn(serverA);
    await signIn(onA, user);
    expect(await count(`"SecurityEvent" WHERE "userId" = $1 AND type = 'sign_in'`, [user.id])).toBe(1);
    expect(await count(`"AccessToken" WHERE "userId" = $1`, [user.id])).toBe(1);

    const onB = { ...onA, origin: serverB.origin };
    const dashboard = await getPage(onB, "/dashboard");
    expect(dashboard.status).toBe(200);
    expect(dashboard.html).toContain(user.username);
  }, 60_000);

  it("refuses on instance B a TOTP code that completed a sign-in on instance A", async () => {
    const user = await createEnrolledUser();
    const [onA, onB] = [browserOn(serverA), browserOn(serverB)];
    const [loginA, loginB] = [await passwordOf(onA, user), await passwordOf(onB, user)];
    expect([loginA.status, loginB.status]).toEqual([303, 303]);

    const code = await currentCode(user.secret);
    expect(await enterCode(onA, loginA.location as string, code)).toMatchObject({
      status: 303,
      location: "/dashboard",
    });
    const replay = await enterCode(onB, loginB.location as string, code);
    expect(replay.status).toBe(200);
    expect(replay.html).toContain("That code is not right");
    expect(onB.cookies.has(SESSION_COOKIE)).toBe(false);
    expect(await count(`"SecurityEvent" WHERE "userId" = $1 AND type = 'sign_in'`, [user.id])).toBe(1);
  }, 60_000);

  it("holds back the sixth password try on either instance after five wrong ones spread over both", async () => {
    const user = await createEnrolledUser();
    const browsers = [browserOn(serverA), browserOn(serverB)];
    for (let attempt = 0; attempt < 5; attempt++) {
      const wrong = await passwordOf(browsers[attempt % 2], user, "not the password at all");
      expect(wrong.status).toBe(200);
      expect(wrong.html).toContain("Invalid username or password");
    }
    for (const browser of browsers) {
      const held = await passwordOf(browser, user);
      expect(held.status).toBe(200);
      const wait = /Too many attempts\. Try again in (\d+) seconds?\./.exec(held.html);
      expect(wait).not.toBeNull();
      expect(Number(wait?.[1])).toBeGreaterThan(0);
      expect(Number(wait?.[1])).toBeLessThanOrEqual(30);
      expect(browser.cookies.has("2fa-challenge")).toBe(false);
    }
    expect(await count(`"SignInChallenge" WHERE "userId" = $1`, [user.id])).toBe(0);
  }, 60_000);

  it("sign out everywhere on A revokes B's access token and B's session", async () => {
    const user = await createEnrolledUser();
    const [onA, onB] = [browserOn(serverA), browserOn(serverB)];
    await signIn(onA, user);
    await signIn(onB, user, user.recoveryCodes[0]);
    const tokenPage = await getPage(onB, "/token");
    const token = /data-testid="access-token"[^>]*>([^<]+)</.exec(tokenPage.html)?.[1];
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const bearer = { authorization: `Bearer ${token}`, "x-forwarded-for": onB.ip };
    expect((await fetch(`${serverB.origin}/api/me`, { headers: bearer })).status).toBe(200);
    expect((await getPage(onB, "/dashboard")).status).toBe(200);

    // The settings page asks first; the confirmation is its own page step.
    const everywhere = await submitForm(
      onA,
      "/settings/security?confirm=sign-out-everywhere",
      "Keep me signed in",
    );
    expect(everywhere).toMatchObject({ status: 303, location: "/login?signedOut=1" });

    const me = await fetch(`${serverB.origin}/api/me`, { headers: bearer });
    expect(me.status).toBe(401);
    expect(me.headers.get("www-authenticate")).toContain("revoked");
    const validate = await fetch(`${serverB.origin}/api/token/validate`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": onB.ip },
      body: JSON.stringify({ token }),
    });
    expect(await validate.json()).toMatchObject({ valid: false, reason: "revoked" });
    const dashboard = await getPage(onB, "/dashboard");
    expect(dashboard.status).toBe(307);
    expect(dashboard.location).toMatch(/^\/login\b/);
  }, 60_000);

  it("accepts one recovery code once when 20 requests from the account's 3 pending sign-ins use it at the same moment on both instances", async () => {
    const user = await createEnrolledUser();
    // 3: the most pending sign-ins an account keeps (a newer one removes the oldest).
    const browsers = Array.from({ length: 3 }, (_, index) => browserOn(index % 2 ? serverB : serverA));
    // The password steps one after another: parallel ones would race for
    // the account's failure counter, which is not what this test is about.
    const forms: { browser: Browser; verifyPath: string; hidden: ReturnType<typeof hiddenFields> }[] = [];
    for (const browser of browsers) {
      const login = await passwordOf(browser, user);
      expect(login.status).toBe(303);
      const verifyPath = `${login.location}&method=recovery`;
      const page = await getPage(browser, verifyPath);
      forms.push({ browser, verifyPath, hidden: hiddenFields(page.html, 'name="code"') });
    }

    const code = user.recoveryCodes[0];
    const requests = Array.from({ length: 20 }, (_, index) => index % browsers.length).map(
      (index) => forms[index],
    );
    const answers = await Promise.all(
      requests.map(({ browser, verifyPath, hidden }) => postForm(browser, verifyPath, hidden, { code })),
    );
    const successes = answers.filter((answer) => /\/dashboard\b/.test(answer.location ?? ""));
    expect(successes).toHaveLength(1);
    expect(successes[0].location).toMatch(/\/dashboard$/);
    expect(browsers.filter((browser) => browser.cookies.has(SESSION_COOKIE))).toHaveLength(1);
    expect(await count(`"RecoveryCode" WHERE "userId" = $1 AND "usedAt" IS NOT NULL`, [user.id])).toBe(1);
    expect(await count(`"SecurityEvent" WHERE "userId" = $1 AND type = 'sign_in'`, [user.id])).toBe(1);
  }, 120_000);
});
