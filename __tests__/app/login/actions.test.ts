/** @jest-environment node */
import bcrypt from "bcryptjs";
import { loginAction } from "@/app/login/actions";
import { verifyAction } from "@/app/login/verify/actions";
import { browser, form, runAction } from "@/__tests__/kit/request-scope";
import { createEnrolledUser, rowCounts, uniqueName } from "@/__tests__/kit/users";
import { createChallenge } from "@/lib/server/sign-in/challenge";
import { db } from "@/lib/server/platform/db";
import { passwordLimitSubject } from "@/lib/server/sign-in/known-device";
import { hashPassword, passwordSteps } from "@/lib/server/accounts/password";
import { MESSAGES, PASSWORD_STEP_QUEUE } from "@/lib/server/policy";
import { Browser } from "@/__tests__/kit/browsers";
import { freshIp } from "@/__tests__/kit/names";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/request-scope").nextHeaders);

const login = (fields: Record<string, string | Blob>) => runAction(() => loginAction({}, form(fields)));

beforeEach(() => {
  browser.reset(freshIp());
});

describe("loginAction", () => {
  it("sends the right password on to the second step with a challenge bound to this browser", async () => {
    const user = await createEnrolledUser();
    const { redirectedTo } = await login({
      identifier: user.username.toUpperCase(),
      password: user.password,
    });
    expect(redirectedTo).toBe("/login/verify?callbackUrl=%2Fdashboard");
    const cookie = {
      value: browser.cookies.get("2fa-challenge"),
      options: browser.cookieOptions.get("2fa-challenge"),
    };
    expect(cookie.options).toMatchObject({ httpOnly: true, sameSite: "lax" });
    const challenge = await db.signInChallenge.findFirst({ where: { userId: user.id } });
    expect(challenge).toMatchObject({ purpose: "signin", consumedAt: null, verifiedAt: null });
    // Only the token's hash is stored.
    expect(challenge?.tokenHash).not.toBe(cookie.value);
    expect(challenge!.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(5 * 60_000);
  });

  it("signs in by email too, and keeps a same-site callback", async () => {
    const user = await createEnrolledUser();
    const { redirectedTo } = await login({
      identifier: ` ${user.email.toUpperCase()} `,
      password: user.password,
      callbackUrl: "/settings/security",
    });
    expect(redirectedTo).toBe("/login/verify?callbackUrl=%2Fsettings%2Fsecurity");
  });

  it("never follows a callback to another site", async () => {
    const user = await createEnrolledUser();
    const { redirectedTo } = await login({
      identifier: user.username,
      password: user.password,
      callbackUrl: "//evil.example/steal",
    });
    expect(redirectedTo).toBe("/login/verify?callbackUrl=%2Fdashboard");
  });

  it("gives the same answer for a wrong password and an unknown user", async () => {
    const user = await createEnrolledUser();
    const wrong = await login({ identifier: user.username, password: "wrong password" });
    const unknown = await login({ identifier: uniqueName("ghost"), password: "wrong password" });
    expect(wrong.result).toEqual({
      message: "Invalid username or password",
      values: { identifier: user.username },
    });
    expect(unknown.result?.message).toBe("Invalid username or password");
    expect(browser.cookies.size).toBe(0);
    expect(
      await db.securityEvent.count({ where: { userId: user.id, type: "sign_in_failed_password" } }),
    ).toBe(1);
  });

  it("holds back the sixth try after five wrong passwords, even with the right password", async () => {
    const user = await createEnrolledUser();
    for (let i = 0; i < 5; i++) {
      expect((await login({ identifier: user.username, password: `wrong ${i}` })).result?.message).toBe(
        "Invalid username or password",
      );
    }
    const held = await login({ identifier: user.username, password: user.password });
    expect(held.result?.message).toBe("Too many attempts. Try again in 30 seconds.");
    expect(await db.signInChallenge.count({ where: { userId: user.id } })).toBe(0);
    const delayKey = `password:${await passwordLimitSubject(user.username, null)}`;

    // Thirty seconds later the next try is allowed; a wrong one doubles the delay.
    await db.rateLimit.update({
      where: { key: delayKey },
      data: { nextAllowedAt: new Date(Date.now() - 1) },
    });
    expect((await login({ identifier: user.username, password: "wrong again" })).result?.message).toBe(
      "Invalid username or password",
    );
    expect((await login({ identifier: user.username, password: user.password })).result?.message).toBe(
      "Too many attempts. Try again in 1 minute.",
    );

    // Once the delay has passed, the real user signs in and the count resets.
    await db.rateLimit.update({
      where: { key: delayKey },
      data: { nextAllowedAt: new Date(Date.now() - 1) },
    });
    expect((await login({ identifier: user.username, password: user.password })).redirectedTo).toMatch(
      /^\/login\/verify/,
    );
    expect(await db.rateLimit.count({ where: { key: delayKey } })).toBe(0);
  });

  it("treats unknown names like accounts: the same delays, the same words", async () => {
    const name = uniqueName("ghost");
    for (let i = 0; i < 5; i++) await login({ identifier: name, password: `wrong ${i}` });
    expect((await login({ identifier: name, password: "wrong" })).result?.message).toBe(
      "Too many attempts. Try again in 30 seconds.",
    );
  });

  it("keeps the counters across a restart (a new Prisma client)", async () => {
    const user = await createEnrolledUser();
    for (let i = 0; i < 5; i++) await login({ identifier: user.username, password: `wrong ${i}` });
    await db.$disconnect();
    (globalThis as { prisma?: unknown }).prisma = undefined;
    const held = await login({ identifier: user.username, password: user.password });
    expect(held.result?.message).toMatch(/^Too many attempts/);
  });

  it("allows at most 20 failed passwords per IP in 15 minutes, whatever the accounts", async () => {
    browser.reset("192.0.2.99");
    await db.rateLimit.deleteMany({ where: { key: "password:ip:192.0.2.99" } });
    for (let i = 0; i < 20; i++) {
      expect(
        (await login({ identifier: uniqueName("spray"), password: "Winter2026!" })).result?.message,
      ).toBe("Invalid username or password");
    }
    const user = await createEnrolledUser();
    expect((await login({ identifier: user.username, password: user.password })).result?.message).toMatch(
      /^Too many attempts. Try again in 1[45] minutes\.$/,
    );
    browser.reset("192.0.2.100");
    expect((await login({ identifier: user.username, password: user.password })).redirectedTo).toMatch(
      /^\/login\/verify/,
    );
  });

  describe("right-password floods", () => {
    const pending = (userId: string) =>
      db.signInChallenge.findMany({
        where: { userId, consumedAt: null },
        orderBy: { createdAt: "asc" },
        select: { id: true },
      });
    const failedChecks = (userId: string) =>
      db.securityEvent.count({ where: { userId, type: "sign_in_failed_password" } });

    it("takes at most 10 password steps per name per minute, right or wrong, refusing the 11th before the hash", async () => {
      const user = await createEnrolledUser();
      for (let i = 0; i < 10; i++) {
        browser.reset(`198.51.100.${200 + (i % 3)}`);
        expect((await login({ identifier: user.username, password: user.password })).redirectedTo).toMatch(
          /^\/login\/verify/,
        );
      }
      browser.reset("198.51.100.210");
      const refused = await login({ identifier: user.username, password: "a wrong one" });
      expect(refused.result?.message).toMatch(/^Too many attempts\. Try again in (\d+ seconds|1 minute)\.$/);
      // Refused before the password was checked: no failure was recorded.
      expect(await failedChecks(user.id)).toBe(0);
      // The same limit, in the same words, for a name nobody has.
      const ghost = uniqueName("ghost");
      for (let i = 0; i < 10; i++) await login({ identifier: ghost, password: `wrong ${i}` });
      expect((await login({ identifier: ghost, password: "wrong" })).result?.message).toMatch(
        /^Too many attempts\./,
      );
    });

    it("takes at most 30 password steps per IP per minute, whatever the accounts and outcomes", async () => {
      const users = await Promise.all([0, 1, 2, 3].map(() => createEnrolledUser()));
      browser.reset("192.0.2.150");
      for (let i = 0; i < 30; i++) {
        const { redirectedTo } = await login({
          identifier: users[i % 3].username,
          password: users[i % 3].password,
        });
        expect(redirectedTo).toMatch(/^\/login\/verify/);
      }
      const refused = await login({ identifier: users[3].username, password: users[3].password });
      expect(refused.result?.message).toMatch(/^Too many attempts\. Try again in (\d+ seconds|1 minute)\.$/);
      expect(await db.signInChallenge.count({ where: { userId: users[3].id } })).toBe(0);
      browser.reset("192.0.2.151");
      expect(
        (await login({ identifier: users[3].username, password: users[3].password })).redirectedTo,
      ).toMatch(/^\/login\/verify/);
      // 31 argon2id password checks: seconds on a loaded 2-core machine.
    }, 30_000);

    it("keeps at most 3 pending sign-ins per account: a new one removes the oldest", async () => {
      const user = await createEnrolledUser();
      const created: string[] = [];
      const cookies: string[] = [];
      for (let i = 0; i < 5; i++) {
        browser.reset(`198.51.100.${220 + i}`);
        await login({ identifier: user.username, password: user.password });
        cookies.push(browser.cookies.get("2fa-challenge") ?? "");
        const ids = (await db.signInChallenge.findMany({ where: { userId: user.id } })).map((row) => row.id);
        created.push(...ids.filter((id) => !created.includes(id)));
      }
      expect(created).toHaveLength(5);
      expect((await pending(user.id)).map((row) => row.id)).toEqual(created.slice(2));
      // The removed sign-in's browser is sent back to the password step; the newest goes on.
      browser.reset("198.51.100.230");
      browser.cookies.set("2fa-challenge", cookies[0]);
      expect(
        (await runAction(() => verifyAction({}, form({ method: "totp", code: "000000" })))).redirectedTo,
      ).toBe("/login?expired=1");
    });

    it("keeps at most 3 pending sign-ins when 8 start for one account at once", async () => {
      const user = await createEnrolledUser();
      const context = { ip: "198.51.100.240", userAgent: "jest" };
      await Promise.all(Array.from({ length: 8 }, () => createChallenge(user.id, "signin", context)));
      expect(await pending(user.id)).toHaveLength(3);
      expect(await db.signInChallenge.count({ where: { userId: user.id } })).toBe(3);
    });

    it("removes the account's expired sign-ins when it starts a new one", async () => {
      const user = await createEnrolledUser();
      await login({ identifier: user.username, password: user.password });
      await login({ identifier: user.username, password: user.password });
      await db.signInChallenge.updateMany({
        where: { userId: user.id },
        data: { expiresAt: new Date(Date.now() - 1000) },
      });
      await login({ identifier: user.username, password: user.password });
      expect(await db.signInChallenge.count({ where: { userId: user.id } })).toBe(1);
    });
  });

  it("sends an account whose enrolment never finished back to /setup-2fa", async () => {
    const username = uniqueName("half");
    await db.user.create({
      data: {
        username,
        email: `${username}@example.test`,
        passwordHash: await hashPassword("half enrolled pw"),
        // Its address proven: an unverified one goes to /verify-email (__tests__/app/verify-email).
        emailVerifiedAt: new Date(),
      },
    });
    const { redirectedTo } = await login({ identifier: username, password: "half enrolled pw" });
    expect(redirectedTo).toBe("/setup-2fa");
    expect(await db.signInChallenge.findFirst({ where: { user: { username } } })).toMatchObject({
      purpose: "enrol",
    });
  });

  it("verifies an imported bcrypt hash and replaces it with argon2id", async () => {
    const user = await createEnrolledUser();
    await db.user.update({
      where: { id: user.id },
      data: { passwordHash: bcrypt.hashSync(user.password, 4) },
    });
    expect((await login({ identifier: user.username, password: user.password })).redirectedTo).toMatch(
      /^\/login\/verify/,
    );
    const { passwordHash } = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  describe("refuses bad input with a message, writing nothing", () => {
    const cases: [string, Record<string, string | Blob>][] = [
      ["no fields", {}],
      ["no password", { identifier: "someone" }],
      ["a file instead of text", { identifier: new Blob(["x"]), password: new Blob(["y"]) }],
      ["10,000-character strings", { identifier: "a".repeat(10_000), password: "b".repeat(10_000) }],
      ["empty strings", { identifier: "   ", password: "" }],
    ];
    it.each(cases)("%s", async (_name, fields) => {
      const before = await rowCounts();
      const { result, redirectedTo } = await login(fields);
      expect(redirectedTo).toBeUndefined();
      expect(Object.keys(result?.errors ?? {}).length).toBeGreaterThan(0);
      expect(JSON.stringify(result)).not.toContain("b".repeat(100));
      expect(await rowCounts()).toEqual(before);
    });

    it("a unicode name is just a wrong password", async () => {
      const { result } = await login({ identifier: "ünï©ødé\u202e", password: "🔑🔑🔑\u0000" });
      expect(result?.message).toBe("Invalid username or password");
    });

    it("control characters in the name are a field error, written nowhere", async () => {
      const before = await rowCounts();
      const { result } = await login({ identifier: "ada\u0000", password: "anything" });
      expect(result?.errors?.identifier).toEqual(["Enter your username or email"]);
      expect(await rowCounts()).toEqual(before);
    });
  });
});

describe("the password step's queue", () => {
  it("lets a burst of password steps wait their turn: every one gets through, none is refused", async () => {
    const users = await Promise.all(Array.from({ length: 6 }, () => createEnrolledUser()));
    const answers = await Promise.all(
      users.map((user) =>
        new Browser(freshIp()).run(() => login({ identifier: user.username, password: user.password })),
      ),
    );
    expect(answers.map((answer) => answer.redirectedTo)).toEqual(
      Array(6).fill("/login/verify?callbackUrl=%2Fdashboard"),
    );
  });

  it("answers at once, counting and writing nothing, while the line is full", async () => {
    const user = await createEnrolledUser();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const places = PASSWORD_STEP_QUEUE.concurrency + PASSWORD_STEP_QUEUE.maxWaiting;
    const ahead = Array.from({ length: places }, () => passwordSteps.run(() => released));
    expect(passwordSteps.waiting).toBe(PASSWORD_STEP_QUEUE.maxWaiting);
    const before = await rowCounts();
    const { result, redirectedTo } = await login({ identifier: user.username, password: user.password });
    expect(redirectedTo).toBeUndefined();
    expect(result).toEqual({ message: MESSAGES.passwordChecksBusy, values: { identifier: user.username } });
    expect(await rowCounts()).toEqual(before);
    release();
    await Promise.all(ahead);
    expect((await login({ identifier: user.username, password: user.password })).redirectedTo).toBe(
      "/login/verify?callbackUrl=%2Fdashboard",
    );
  });
});
