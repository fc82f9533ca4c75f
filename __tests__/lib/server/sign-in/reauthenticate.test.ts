/** @jest-environment node */
import type { User } from "@prisma/client";
import { Browser } from "@/__tests__/kit/browsers";
import { freshIp } from "@/__tests__/kit/names";
import { watchOutbox } from "@/__tests__/kit/outbox";
import { form } from "@/__tests__/kit/request-scope";
import { createEnrolledUser, currentCode, type TestUser } from "@/__tests__/kit/users";
import { issueEmailCode } from "@/lib/server/factors/email-codes";
import { db } from "@/lib/server/platform/db";
import { LIMITS, MESSAGES } from "@/lib/server/policy";
import { createReauthChallenge } from "@/lib/server/sign-in/challenge";
import { reauthenticate } from "@/lib/server/sign-in/reauthenticate";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);

const row = (user: TestUser): Promise<User> => db.user.findUniqueOrThrow({ where: { id: user.id } });

// Each test's own browser and address, so no limit carries over.
const attempt = (user: User, fields: Record<string, string>) =>
  new Browser(freshIp()).run(() => reauthenticate(user, form(fields)));

describe("reauthenticate", () => {
  it("accepts the password with a current authenticator code, and that code only once", async () => {
    const user = await createEnrolledUser();
    const code = await currentCode(user.secret);
    expect(await attempt(await row(user), { password: user.password, code })).toEqual({ ok: true });
    expect(await attempt(await row(user), { password: user.password, code })).toEqual({
      ok: false,
      state: { errors: { code: [MESSAGES.wrongReauthCode] } },
    });
  });

  it("refuses a wrong password before spending the code", async () => {
    const user = await createEnrolledUser();
    const code = await currentCode(user.secret);
    expect(await attempt(await row(user), { password: "not the password", code })).toEqual({
      ok: false,
      state: { errors: { password: [MESSAGES.wrongPassword] } },
    });
    expect(await attempt(await row(user), { password: user.password, code })).toEqual({ ok: true });
  });

  it("answers field errors for an empty form, and a code of neither shape, without a try", async () => {
    const user = await createEnrolledUser();
    const empty = await attempt(await row(user), {});
    expect(empty.ok).toBe(false);
    expect(!empty.ok && Object.keys(empty.state.errors ?? {}).sort()).toEqual(["code", "password"]);
    expect(await attempt(await row(user), { password: user.password, code: "12-34" })).toEqual({
      ok: false,
      state: { errors: { code: [MESSAGES.reauthCodeMissing] } },
    });
    expect(await db.rateLimit.count({ where: { key: { contains: user.id } } })).toBe(0);
  });

  it("accepts a recovery code once, records it and tells the owner how many are left", async () => {
    const user = await createEnrolledUser();
    const outbox = watchOutbox();
    const code = user.recoveryCodes[0];
    expect(await attempt(await row(user), { password: user.password, code })).toEqual({
      ok: true,
      recoveryCodesLeft: 9,
    });
    const events = await db.securityEvent.findMany({ where: { userId: user.id } });
    expect(events.map((e) => [e.type, e.detail])).toEqual([["recovery_code_used", "9 left"]]);
    const mail = outbox().filter((m) => m.to === user.email);
    expect(mail).toHaveLength(1);
    expect(mail[0].text).toContain("9");
    expect((await attempt(await row(user), { password: user.password, code })).ok).toBe(false);
  });

  it("takes an email user's code from their newest re-authentication challenge", async () => {
    const user = await createEnrolledUser();
    await db.user.update({ where: { id: user.id }, data: { twoFactorMethod: "email" } });
    const challenge = await createReauthChallenge(user.id, { ip: freshIp(), userAgent: "jest" });
    const issued = await issueEmailCode(user.id, challenge.id);
    if (!issued.ok) throw new Error("no email code issued");
    const email = await row(user);
    expect((await attempt(email, { password: user.password, code: await currentCode(user.secret) })).ok).toBe(
      false,
    );
    expect(await attempt(email, { password: user.password, code: issued.code })).toEqual({ ok: true });
  });

  it("takes a passkey user's emailed code or recovery code, never an app code", async () => {
    const user = await createEnrolledUser();
    await db.user.update({ where: { id: user.id }, data: { twoFactorMethod: "passkey" } });
    const challenge = await createReauthChallenge(user.id, { ip: freshIp(), userAgent: "jest" });
    const issued = await issueEmailCode(user.id, challenge.id);
    if (!issued.ok) throw new Error("no email code issued");
    const passkeyUser = await row(user);
    expect(
      (await attempt(passkeyUser, { password: user.password, code: await currentCode(user.secret) })).ok,
    ).toBe(false);
    expect(await attempt(passkeyUser, { password: user.password, code: issued.code })).toEqual({ ok: true });
    expect(await attempt(passkeyUser, { password: user.password, code: user.recoveryCodes[0]! })).toEqual({
      ok: true,
      recoveryCodesLeft: 9,
    });
  });

  it(`stops after ${LIMITS.codesPerAccount.max} code tries per account, whatever the password`, async () => {
    const user = await createEnrolledUser();
    const browser = new Browser(freshIp());
    const wrong = { password: user.password, code: "000000" };
    for (let i = 0; i < LIMITS.codesPerAccount.max; i++) {
      const result = await browser.run(async () => reauthenticate(await row(user), form(wrong)));
      expect(result.ok).toBe(false);
    }
    const code = await currentCode(user.secret);
    const refused = await browser.run(async () =>
      reauthenticate(await row(user), form({ password: user.password, code })),
    );
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.state.message).toMatch(/try again/i);
  });
});
