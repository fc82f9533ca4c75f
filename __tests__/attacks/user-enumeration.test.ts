/** @jest-environment node */
import { performance } from "node:perf_hooks";
import { loginAction } from "@/app/login/actions";
import { sendEmailCodeAction, verifyAction } from "@/app/login/verify/actions";
import { registerAction } from "@/app/register/actions";
import { Browser } from "@/__tests__/kit/browsers";
import { startTestApp, type AppServer } from "@/__tests__/kit/next-server";
import { form, runAction } from "@/__tests__/kit/request-scope";
import { createEnrolledUser, uniqueName } from "@/__tests__/kit/users";
import { registerAccount } from "@/lib/server/accounts/accounts";
import { db } from "@/lib/server/platform/db";
import { hashPassword } from "@/lib/server/accounts/password";
import { openFreshDatabase } from "./fuzz-kit";
import {
  formFields,
  passwordStepFields,
  postForm,
  postPassword,
  setCookie,
} from "@/__tests__/kit/no-js-forms.mjs";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);
const databaseUrl = openFreshDatabase("user-enumeration");
jest.setTimeout(600_000);

// User enumeration (ASVS 6.3.8): nothing an attacker sees tells whether an
// account exists: not the message, the status, the page or the time the
// password step takes; the second step is out of reach without the password.
// Registration says that a username is taken (a chosen name must be), never
// that an address is: a taken address gets the same "check your inbox" step
// as a new one (DESIGN.md §4); it is limited per IP all the same.

let ipCounter = 0;
const nextIp = () => {
  ipCounter += 1;
  return `198.18.${11 + Math.floor(ipCounter / 250)}.${(ipCounter % 250) + 1}`;
};
const WRONG = "not-the-password-42";
const INVALID = "Invalid username or password";

const attemptLogin = (identifier: string, password = WRONG) => {
  const browser = new Browser(nextIp());
  return browser.run(() => runAction(() => loginAction({}, form({ identifier, password }))));
};

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

describe("the password step", () => {
  it("answers an unknown username, an unknown email and a wrong password with the same message", async () => {
    const user = await createEnrolledUser();
    const enrolling = uniqueName("half");
    await registerAccount({
      username: enrolling,
      email: `${enrolling}@example.test`,
      passwordHash: await hashPassword(`pass-${enrolling}-words`),
    });
    const ghost = uniqueName("ghost");
    const answers = await Promise.all(
      [user.username, user.email, enrolling, ghost, `${ghost}@example.test`].map(async (identifier) => {
        const { result, redirectedTo } = await attemptLogin(identifier);
        expect(redirectedTo).toBeUndefined();
        expect(result?.values).toEqual({ identifier });
        return { ...result, values: undefined };
      }),
    );
    for (const answer of answers) expect(answer).toEqual({ message: INVALID, values: undefined });
  });

  it("takes as long for an unknown user as for a wrong password (medians of 50 interleaved tries within 20%)", async () => {
    // One account per try, one address per try: no rate limit answers early.
    const passwordHash = await hashPassword("the-real-password-of-all");
    const names = Array.from({ length: 60 }, (_unused, index) => `${uniqueName("timing")}${index}`);
    await db.user.createMany({
      data: names.map((username) => ({ username, email: `${username}@example.test`, passwordHash })),
    });
    const known = names.map((name) => () => attemptLogin(name));
    const unknown = names.map((name) => () => attemptLogin(`${name}x`));
    // Warm-up: module loading, the unknown path's dummy hash, the database.
    for (let index = 50; index < 60; index++) {
      await known[index]();
      await unknown[index]();
    }
    const timings = { known: [] as number[], unknown: [] as number[] };
    for (let index = 0; index < 50; index++) {
      const order = index % 2 === 0 ? (["known", "unknown"] as const) : (["unknown", "known"] as const);
      for (const kind of order) {
        const started = performance.now();
        const { result } = await (kind === "known" ? known : unknown)[index]();
        timings[kind].push(performance.now() - started);
        expect(result?.message).toBe(INVALID);
      }
    }
    const medians = { known: median(timings.known), unknown: median(timings.unknown) };
    console.info(
      `password step medians over 50 tries: wrong password ${medians.known.toFixed(1)} ms, unknown user ${medians.unknown.toFixed(1)} ms`,
    );
    expect(
      Math.max(medians.known, medians.unknown) / Math.min(medians.known, medians.unknown),
    ).toBeLessThanOrEqual(1.2);
  });

  it("holds back an unknown name after five failures exactly as it holds back an account", async () => {
    const user = await createEnrolledUser();
    const ghost = uniqueName("ghost");
    // Interleaved, so that both delays began within the same second.
    for (let index = 0; index < 5; index++) {
      for (const identifier of [user.username, ghost]) {
        expect((await attemptLogin(identifier)).result?.message).toBe(INVALID);
      }
    }
    const held = await Promise.all([attemptLogin(user.username, user.password), attemptLogin(ghost)]);
    expect(held.map(({ result }) => result?.message)).toEqual([
      "Too many attempts. Try again in 30 seconds.",
      "Too many attempts. Try again in 30 seconds.",
    ]);
  });
});

describe("linking a username to its email", () => {
  // What an attacker sees for a name after another name was pushed into its
  // delays (or its step limit): the same as for a name that has no account.
  async function answersAfter(spent: string, probe: string, unknown: string, tries: number) {
    for (let index = 0; index < tries; index++) await attemptLogin(spent);
    const [linked, unlinked] = await Promise.all([attemptLogin(probe), attemptLogin(unknown)]);
    expect(linked.redirectedTo).toBeUndefined();
    return [
      { ...linked.result, values: undefined },
      { ...unlinked.result, values: undefined },
    ];
  }

  it.each([
    ["five wrong passwords for a username", "username", 5],
    ["five wrong passwords for an email", "email", 5],
    ["ten password steps for a username", "username", 10],
  ] as const)(
    "after %s, the account's other name answers as a name nobody has",
    async (_case, spentName, tries) => {
      const user = await createEnrolledUser();
      const ghost = uniqueName("ghost");
      const [spent, probe, unknown] =
        spentName === "username"
          ? [user.username, user.email, `${ghost}@example.test`]
          : [user.email, user.username, ghost];
      const [linked, unlinked] = await answersAfter(spent, probe, unknown, tries);
      expect(linked).toEqual({ message: INVALID, values: undefined });
      expect(linked).toEqual(unlinked);
      // The spent name itself is held back, and says so.
      expect((await attemptLogin(spent)).result?.message).toMatch(/^Too many attempts\./);
    },
  );
});

describe("the second step", () => {
  it("cannot be probed without the password: verify and 'Email me a code' answer a forged or missing challenge alike", async () => {
    const user = await createEnrolledUser();
    const answers = [];
    for (const challenge of [null, "forged-challenge-token", user.id]) {
      const browser = new Browser(nextIp());
      if (challenge) browser.cookies.set("2fa-challenge", challenge);
      answers.push(
        await browser.run(() => runAction(() => verifyAction({}, form({ method: "totp", code: "123456" })))),
        await browser.run(() => runAction(() => sendEmailCodeAction({}, form({})))),
      );
    }
    for (const answer of answers) expect(answer).toEqual({ redirectedTo: "/login?expired=1" });
    expect(await db.emailCode.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.securityEvent.count({ where: { userId: user.id } })).toBe(0);
  });
});

describe("registration", () => {
  const registerFrom = (browser: Browser, username: string, email: string) =>
    browser.run(() =>
      runAction(() => registerAction({}, form({ username, email, password: "a long enough passphrase" }))),
    );

  it("limits probes for taken emails to 10 per IP per hour, refusing the 11th before any lookup", async () => {
    const owner = await createEnrolledUser();
    const prober = new Browser(nextIp());
    for (let index = 0; index < 10; index++) {
      const { result, redirectedTo } = await registerFrom(prober, uniqueName("probe"), owner.email);
      expect(result).toBeUndefined();
      expect(redirectedTo).toBe("/verify-email");
    }
    const refused = await registerFrom(prober, uniqueName("probe"), owner.email);
    expect(refused.result).toMatchObject({ message: "Too many attempts. Try again in 60 minutes." });
    expect(refused.result?.errors).toBeUndefined();
    // The same probe for an email nobody has is refused the same way.
    const fresh = await registerFrom(prober, uniqueName("probe"), `${uniqueName("nobody")}@example.test`);
    expect(fresh.result).toEqual({ ...refused.result, values: fresh.result?.values });
    expect(await db.user.count({ where: { email: owner.email } })).toBe(1);
  });

  it("answers a taken address and a new one with the same redirect and the same cookies, creating nothing for the taken one", async () => {
    const owner = await createEnrolledUser();
    const [taken, fresh] = [new Browser(nextIp()), new Browser(nextIp())];
    const users = await db.user.count();
    const answers = [
      await registerFrom(taken, uniqueName("probe"), owner.email),
      await registerFrom(fresh, uniqueName("probe"), `${uniqueName("nobody")}@example.test`),
    ];
    expect(answers[0]).toEqual({ redirectedTo: "/verify-email" });
    expect(answers[1]).toEqual(answers[0]);
    expect(await db.user.count()).toBe(users + 1);
    // The challenge token's length; the address cookie holds the typed address.
    const shapes = (browser: Browser) =>
      [...browser.cookies].map(([name, value]) => [
        name,
        name === "2fa-challenge" ? value.length : "address",
        browser.cookieOptions.get(name),
      ]);
    for (const browser of [taken, fresh]) {
      const options = browser.cookieOptions;
      for (const name of options.keys()) options.set(name, { ...options.get(name), expires: undefined });
    }
    expect(shapes(taken)).toEqual(shapes(fresh));
  });

  it("takes as long for a taken address as for a new one (medians of 50 interleaved tries within 20%)", async () => {
    // One owner per try: the owner's notice limit never answers early.
    const owners = await Promise.all(Array.from({ length: 60 }, () => createEnrolledUser()));
    const taken = owners.map(
      (owner) => () => registerFrom(new Browser(nextIp()), uniqueName("t"), owner.email),
    );
    const fresh = owners.map(
      () => () => registerFrom(new Browser(nextIp()), uniqueName("f"), `${uniqueName("new")}@example.test`),
    );
    for (let index = 50; index < 60; index++) {
      await taken[index]();
      await fresh[index]();
    }
    const timings = { taken: [] as number[], fresh: [] as number[] };
    for (let index = 0; index < 50; index++) {
      const order = index % 2 === 0 ? (["taken", "fresh"] as const) : (["fresh", "taken"] as const);
      for (const kind of order) {
        const started = performance.now();
        const { redirectedTo } = await (kind === "taken" ? taken : fresh)[index]();
        timings[kind].push(performance.now() - started);
        expect(redirectedTo).toBe("/verify-email");
      }
    }
    const medians = { taken: median(timings.taken), fresh: median(timings.fresh) };
    console.info(
      `registration medians over 50 tries: taken address ${medians.taken.toFixed(1)} ms, new address ${medians.fresh.toFixed(1)} ms`,
    );
    expect(
      Math.max(medians.taken, medians.fresh) / Math.min(medians.taken, medians.fresh),
    ).toBeLessThanOrEqual(1.2);
  });
});

// Over HTTP, against `next start`: what an attacker's client actually sees.
describe("the password step over HTTP", () => {
  let app: AppServer;

  beforeAll(async () => {
    app = await startTestApp({ databaseUrl, outbox: "outbox-user-enumeration" });
  });

  afterAll(async () => {
    await app?.stop();
  });

  async function signInPage(identifier: string, password = WRONG) {
    const response = await postPassword(app.origin, identifier, password, { "x-forwarded-for": nextIp() });
    const html = await response.text();
    const nonce = /'nonce-([^']+)'/.exec(response.headers.get("content-security-policy") ?? "")?.[1] ?? "";
    return {
      status: response.status,
      cookies: response.headers
        .getSetCookie()
        .map((line) => line.split("=")[0])
        .sort(),
      // Per-request values (CSP nonces) and the echoed name aside, the page.
      page: html.replaceAll(nonce, "NONCE").replaceAll(identifier, "IDENTIFIER"),
    };
  }

  it("answers an unknown user and a wrong password with the same status, cookies and page", async () => {
    const user = await createEnrolledUser();
    const ghost = uniqueName("ghost");
    const wrongPassword = await signInPage(user.username);
    const unknownUser = await signInPage(ghost);
    expect(wrongPassword.status).toBe(200);
    expect(wrongPassword.page).toContain(INVALID);
    expect(unknownUser).toEqual(wrongPassword);
  });

  it("takes as long for an unknown user as for a wrong password (medians of 50 interleaved requests within 20%)", async () => {
    const passwordHash = await hashPassword("the-real-password-of-all");
    const names = Array.from({ length: 55 }, (_unused, index) => `${uniqueName("http")}${index}`);
    await db.user.createMany({
      data: names.map((username) => ({ username, email: `${username}@example.test`, passwordHash })),
    });
    const hidden = await formFields(app.origin, "/login", "identifier");
    const timed = async (identifier: string): Promise<number> => {
      const started = performance.now();
      const response = await postForm(app.origin, "/login", passwordStepFields(hidden, identifier, WRONG), {
        "x-forwarded-for": nextIp(),
      });
      const page = await response.text();
      expect(page).toContain(INVALID);
      return performance.now() - started;
    };
    for (let index = 50; index < 55; index++) {
      await timed(names[index]);
      await timed(`${names[index]}x`);
    }
    const timings = { known: [] as number[], unknown: [] as number[] };
    for (let index = 0; index < 50; index++) {
      const order = index % 2 === 0 ? (["known", "unknown"] as const) : (["unknown", "known"] as const);
      for (const kind of order) {
        timings[kind].push(await timed(kind === "known" ? names[index] : `${names[index]}x`));
      }
    }
    const medians = { known: median(timings.known), unknown: median(timings.unknown) };
    console.info(
      `password step over HTTP, medians over 50 requests: wrong password ${medians.known.toFixed(1)} ms, unknown user ${medians.unknown.toFixed(1)} ms`,
    );
    expect(
      Math.max(medians.known, medians.unknown) / Math.min(medians.known, medians.unknown),
    ).toBeLessThanOrEqual(1.2);
  });

  it("'Email me a code' shows only a masked address, and only after the right password", async () => {
    const user = await createEnrolledUser();
    const ip = nextIp();
    const login = await postPassword(app.origin, user.username, user.password, { "x-forwarded-for": ip });
    const challenge = (setCookie(login, "2fa-challenge") as string).split(";")[0];
    const emailPath = "/login/verify?method=email&callbackUrl=%2Fdashboard";
    const sendFields = await formFields(app.origin, emailPath, "callbackUrl", challenge);
    const sent = await postForm(app.origin, emailPath, sendFields, {
      cookie: challenge,
      "x-forwarded-for": ip,
    });
    expect(sent.status).toBe(303);
    const page = await (
      await fetch(`${app.origin}${sent.headers.get("location")}`, { headers: { cookie: challenge } })
    )
      .text()
      .then((html) => html.replaceAll("<!-- -->", ""));
    expect(page).toContain(`We sent a code to ${user.email.slice(0, 1)}***@example.test`);
    expect(page).not.toContain(user.email);
  });
});

// DESIGN.md §4 "Password reset": /forgot-password answers every name alike.
describe("asking for a password reset", () => {
  let app: AppServer;

  beforeAll(async () => {
    app = await startTestApp({ databaseUrl, outbox: "outbox-user-enumeration-reset" });
  });

  afterAll(async () => {
    await app?.stop();
  });

  const verifiedAccounts = async (count: number, prefix: string): Promise<string[]> => {
    const names = Array.from({ length: count }, (_unused, index) => `${uniqueName(prefix)}${index}`);
    const passwordHash = await hashPassword("the-real-password-of-all");
    await db.user.createMany({
      data: names.map((username) => ({
        username,
        email: `${username}@example.test`,
        passwordHash,
        twoFactorMethod: "totp",
        emailVerifiedAt: new Date(),
      })),
    });
    return names;
  };

  async function askForReset(hidden: [string, string][], identifier: string) {
    const response = await postForm(app.origin, "/forgot-password", [...hidden, ["identifier", identifier]], {
      "x-forwarded-for": nextIp(),
    });
    const html = await response.text();
    const nonce = /'nonce-([^']+)'/.exec(response.headers.get("content-security-policy") ?? "")?.[1] ?? "";
    return {
      status: response.status,
      cookies: response.headers
        .getSetCookie()
        .map((line) => line.split("=")[0])
        .sort(),
      page: html.replaceAll(nonce, "NONCE").replaceAll(identifier, "IDENTIFIER"),
    };
  }

  it("answers an unknown name, an unverified account and a verified one with the same status, cookies and page", async () => {
    const [verified] = await verifiedAccounts(1, "reset");
    const unverified = uniqueName("unverified");
    await registerAccount({
      username: unverified,
      email: `${unverified}@example.test`,
      passwordHash: await hashPassword(`pass-${unverified}-words`),
    });
    const hidden = (await formFields(app.origin, "/forgot-password", "identifier")) as [string, string][];
    const known = await askForReset(hidden, verified);
    expect(known.status).toBe(200);
    expect(known.page).toContain(
      "If that account exists and its email is verified, we sent it a reset link.",
    );
    expect(await askForReset(hidden, uniqueName("ghost"))).toEqual(known);
    expect(await askForReset(hidden, `${uniqueName("ghost")}@example.test`)).toEqual(known);
    expect(await askForReset(hidden, unverified)).toEqual(known);
    expect(await askForReset(hidden, `${verified}@example.test`)).toEqual(known);
  });

  it("takes as long for an unknown name as for a verified account (medians of 40 interleaved requests within 20%)", async () => {
    const names = await verifiedAccounts(45, "rtime");
    const hidden = (await formFields(app.origin, "/forgot-password", "identifier")) as [string, string][];
    const timed = async (identifier: string): Promise<number> => {
      const started = performance.now();
      const { page } = await askForReset(hidden, identifier);
      const elapsed = performance.now() - started;
      expect(page).toContain("If that account exists");
      // The link is mailed after the response: let that work end before the
      // next request, so that it is timed on its own.
      await new Promise((resolve) => setTimeout(resolve, 150));
      return elapsed;
    };
    for (let index = 40; index < 45; index++) {
      await timed(names[index]);
      await timed(`${names[index]}x`);
    }
    const timings = { known: [] as number[], unknown: [] as number[] };
    for (let index = 0; index < 40; index++) {
      const order = index % 2 === 0 ? (["known", "unknown"] as const) : (["unknown", "known"] as const);
      for (const kind of order) {
        timings[kind].push(await timed(kind === "known" ? names[index] : `${names[index]}x`));
      }
    }
    const medians = { known: median(timings.known), unknown: median(timings.unknown) };
    console.info(
      `forgot password over HTTP, medians over 40 requests: verified account ${medians.known.toFixed(1)} ms, unknown name ${medians.unknown.toFixed(1)} ms`,
    );
    expect(
      Math.max(medians.known, medians.unknown) / Math.min(medians.known, medians.unknown),
    ).toBeLessThanOrEqual(1.2);
  });
});
