/** @jest-environment node */
import fs from "node:fs/promises";
import path from "node:path";
import { loginAction } from "@/app/login/actions";
import { verifyAction } from "@/app/login/verify/actions";
import { browser, form, runAction } from "@/__tests__/kit/request-scope";
import { createEnrolledUser, currentCode, rowCounts, type TestUser } from "@/__tests__/kit/users";
import { subject as partialSignInSubject } from "@/emails/partial-sign-in";
import { db } from "@/lib/server/platform/db";
import { freshIp } from "@/__tests__/kit/names";
import { watchOutbox } from "@/__tests__/kit/outbox";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/request-scope").nextHeaders);

const verify = (fields: Record<string, string | Blob>) => runAction(() => verifyAction({}, form(fields)));

async function passPasswordStep(user: TestUser): Promise<void> {
  browser.reset(freshIp());
  const { redirectedTo } = await runAction(() =>
    loginAction({}, form({ identifier: user.username, password: user.password })),
  );
  expect(redirectedTo).toMatch(/^\/login\/verify/);
}

const sessionCookie = () => [...browser.cookies.keys()].find((name) => name.includes("session-token"));

describe("verifyAction", () => {
  it("completes sign-in with the right authenticator code, once", async () => {
    const user = await createEnrolledUser();
    await passPasswordStep(user);
    const { redirectedTo } = await verify({
      method: "totp",
      code: await currentCode(user.secret),
      callbackUrl: "/token",
    });
    expect(redirectedTo).toBe("/token");
    expect(sessionCookie()).toBeDefined();
    expect(browser.cookies.has("2fa-challenge")).toBe(false);
    const challenge = await db.signInChallenge.findFirstOrThrow({ where: { userId: user.id } });
    expect(challenge.consumedAt).not.toBeNull();
    expect(await db.securityEvent.count({ where: { userId: user.id, type: "sign_in" } })).toBe(1);
  });

  it("refuses a code that was already used, on a new sign-in", async () => {
    const user = await createEnrolledUser();
    const code = await currentCode(user.secret);
    await passPasswordStep(user);
    expect((await verify({ method: "totp", code })).redirectedTo).toBe("/dashboard");
    await passPasswordStep(user);
    const replay = await verify({ method: "totp", code });
    expect(replay.redirectedTo).toBeUndefined();
    expect(replay.result?.errors?.code).toEqual([
      "That code is not right. Wait for a new code and try again.",
    ]);
    expect(sessionCookie()).toBeUndefined();
  });

  it("voids the challenge after five wrong codes: even the right code then fails", async () => {
    const user = await createEnrolledUser();
    await passPasswordStep(user);
    for (let left = 4; left >= 1; left--) {
      const { result } = await verify({ method: "totp", code: "000000" });
      expect(result?.message).toBe(
        `${left} ${left === 1 ? "try" : "tries"} left before you need to sign in again.`,
      );
    }
    expect((await verify({ method: "totp", code: "000000" })).redirectedTo).toBe("/login?expired=1");
    expect((await verify({ method: "totp", code: await currentCode(user.secret) })).redirectedTo).toBe(
      "/login?expired=1",
    );
    expect(sessionCookie()).toBeUndefined();
  });

  describe("after the right password (ASVS 6.3.5)", () => {
    // Every console line the sign-in writes, and the outbox files its emails went to.
    // The console output (to check it names no code) and the emails written
    // to the outbox meanwhile.
    function watchOutput() {
      const lines: string[] = [];
      const mailed = watchOutbox();
      const spies = (["info", "log", "warn", "error"] as const).map((level) =>
        jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
          lines.push(args.map(String).join(" "));
        }),
      );
      return {
        lines,
        mailed,
        restore: () => spies.forEach((spy) => spy.mockRestore()),
      };
    }
    const noticesTo = (output: ReturnType<typeof watchOutput>, email: string) =>
      output.mailed().filter((mail) => mail.subject === partialSignInSubject && mail.to === email);

    async function wrongCodes(user: TestUser, count: number): Promise<string[]> {
      const valid = await Promise.all([-1, 0, 1].map((step) => currentCode(user.secret, step)));
      const tried = ["271828", "314159", "161803", "141421", "173205"].filter(
        (code) => !valid.includes(code),
      );
      while (tried.length < count) tried.push(String(100000 + tried.length * 7919));
      for (const code of tried.slice(0, count)) await verify({ method: "totp", code });
      return tried.slice(0, count);
    }

    it("emails the owner once and records it when five wrong codes void the sign-in, never naming the codes", async () => {
      const user = await createEnrolledUser();
      await passPasswordStep(user);
      const output = watchOutput();
      let tried: string[];
      try {
        tried = await wrongCodes(user, 5);
        // The voided sign-in takes no more tries, and tells no one again.
        await verify({ method: "totp", code: await currentCode(user.secret) });
      } finally {
        output.restore();
      }
      const notices = noticesTo(output, user.email);
      expect(notices).toHaveLength(1);
      const events = await db.securityEvent.findMany({
        where: { userId: user.id, type: "sign_in_stopped_at_code" },
      });
      expect(events).toHaveLength(1);
      expect(events[0].ip).toBe(browser.headers().get("x-forwarded-for"));

      const folder = notices[0].folder;
      const text = await fs.readFile(path.join(folder, "message.txt"), "utf8");
      const html = await fs.readFile(path.join(folder, "message.html"), "utf8");
      expect(text).toContain("Someone entered the right password for your account, then 5 wrong codes");
      expect(text).toContain(`IP address: ${events[0].ip}`);
      expect(text).toContain("Browser: Unknown browser");
      expect(text).toContain("http://localhost:3000/settings/security");
      const written = [
        text,
        html,
        ...output.lines,
        JSON.stringify(await db.securityEvent.findMany({ where: { userId: user.id } })),
      ];
      for (const code of tried) {
        for (const content of written) expect(content).not.toContain(code);
      }
    });

    it("emails once when eight wrong codes arrive at the same time", async () => {
      const user = await createEnrolledUser();
      await passPasswordStep(user);
      const valid = await Promise.all([-1, 0, 1].map((step) => currentCode(user.secret, step)));
      const codes = Array.from({ length: 8 }, (_, i) => String(200000 + i * 104729)).filter(
        (code) => !valid.includes(code),
      );
      const output = watchOutput();
      try {
        await Promise.all(codes.map((code) => verify({ method: "totp", code })));
      } finally {
        output.restore();
      }
      expect(noticesTo(output, user.email)).toHaveLength(1);
      expect(
        await db.securityEvent.count({ where: { userId: user.id, type: "sign_in_stopped_at_code" } }),
      ).toBe(1);
    });

    it("emails the owner once when wrong codes reach five across sign-ins of four each, and again in the next day's window", async () => {
      const user = await createEnrolledUser();
      const output = watchOutput();
      const noticesAfter = async (rounds: number[]) => {
        for (const count of rounds) {
          await passPasswordStep(user);
          await wrongCodes(user, count);
        }
        return noticesTo(output, user.email).length;
      };
      try {
        // Four, a fresh sign-in, then the fifth wrong code: the owner hears of it.
        expect(await noticesAfter([4])).toBe(0);
        expect(await noticesAfter([1])).toBe(1);
        // The account's code limit (10 per 15 minutes) is reached; still one email.
        expect(await noticesAfter([3, 2])).toBe(1);
        // A day later (the notice window and the code limit have passed), the
        // same pattern is told again, once.
        const day = 24 * 60 * 60_000;
        await db.rateLimit.updateMany({
          where: { key: { in: [`partial-sign-in:account:${user.id}`, `code:account:${user.id}`] } },
          data: { windowStart: new Date(Date.now() - day - 1000) },
        });
        expect(await noticesAfter([4])).toBe(1);
        expect(await noticesAfter([4])).toBe(2);
      } finally {
        output.restore();
      }
      // None of these sign-ins reached five wrong codes on its own.
      expect(
        await db.securityEvent.count({ where: { userId: user.id, type: "sign_in_stopped_at_code" } }),
      ).toBe(0);
    });

    it("sends no such notice when the right code follows four wrong ones", async () => {
      const user = await createEnrolledUser();
      await passPasswordStep(user);
      const output = watchOutput();
      try {
        await wrongCodes(user, 4);
        expect((await verify({ method: "totp", code: await currentCode(user.secret) })).redirectedTo).toBe(
          "/dashboard",
        );
      } finally {
        output.restore();
      }
      expect(noticesTo(output, user.email)).toEqual([]);
      expect(
        await db.securityEvent.count({ where: { userId: user.id, type: "sign_in_stopped_at_code" } }),
      ).toBe(0);
    });
  });

  it("allows at most 10 wrong codes per account in 15 minutes, across sign-ins", async () => {
    const user = await createEnrolledUser();
    for (let round = 0; round < 2; round++) {
      await passPasswordStep(user);
      for (let i = 0; i < 5; i++) await verify({ method: "totp", code: "111111" });
    }
    await passPasswordStep(user);
    const { result } = await verify({ method: "totp", code: await currentCode(user.secret) });
    expect(result?.message).toMatch(/^Too many attempts. Try again in 1[45] minutes\.$/);
  });

  it("signs in with a recovery code, once, and says how many are left", async () => {
    const user = await createEnrolledUser();
    await passPasswordStep(user);
    const code = user.recoveryCodes[3].toLowerCase().replace(/-/g, " ");
    expect((await verify({ method: "recovery", code })).redirectedTo).toBe("/dashboard");
    expect(await db.securityEvent.count({ where: { userId: user.id, type: "recovery_code_used" } })).toBe(1);
    await passPasswordStep(user);
    const again = await verify({ method: "recovery", code: user.recoveryCodes[3] });
    expect(again.result?.errors?.code).toEqual(["That recovery code is not valid or was already used."]);
  });

  it("lets exactly one of 20 parallel submissions of one code through", async () => {
    const user = await createEnrolledUser();
    await passPasswordStep(user);
    const code = await currentCode(user.secret);
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => verify({ method: "totp", code })));
    expect(outcomes.filter((outcome) => outcome.redirectedTo === "/dashboard")).toHaveLength(1);
    // Four replays failed while the right code was still being checked: no voided sign-in.
    expect(
      await db.securityEvent.count({ where: { userId: user.id, type: "sign_in_stopped_at_code" } }),
    ).toBe(0);
  });

  it("sends a browser without a pending sign-in back to /login", async () => {
    browser.reset();
    expect((await verify({ method: "totp", code: "123456" })).redirectedTo).toBe("/login?expired=1");
  });

  describe("refuses bad input with a message, writing nothing", () => {
    const cases: [string, Record<string, string | Blob>][] = [
      ["no fields", {}],
      ["an unknown method", { method: "sms", code: "123456" }],
      ["letters in a code", { method: "totp", code: "12345a" }],
      ["a file", { method: "totp", code: new Blob(["123456"]) }],
      ["a 10,000-character code", { method: "recovery", code: "A".repeat(10_000) }],
      ["unicode digits", { method: "totp", code: "١٢٣٤٥٦" }],
    ];
    it.each(cases)("%s", async (_name, fields) => {
      const user = await createEnrolledUser();
      await passPasswordStep(user);
      const before = await rowCounts();
      const challengeBefore = await db.signInChallenge.findFirstOrThrow({ where: { userId: user.id } });
      const { result, redirectedTo } = await verify(fields);
      expect(redirectedTo).toBeUndefined();
      expect(result?.errors?.code?.length).toBeGreaterThan(0);
      expect(await rowCounts()).toEqual(before);
      expect(await db.signInChallenge.findFirstOrThrow({ where: { userId: user.id } })).toEqual(
        challengeBefore,
      );
    });
  });
});
