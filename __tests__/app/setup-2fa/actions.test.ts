/** @jest-environment node */
import { registerAction } from "@/app/register/actions";
import { confirmSetupAction, continueAfterSetupAction } from "@/app/setup-2fa/actions";
import { browser, form, runAction } from "@/__tests__/kit/request-scope";
import { currentCode, rowCounts, uniqueName } from "@/__tests__/kit/users";
import { getPendingChallenge } from "@/lib/server/sign-in/challenge";
import { db } from "@/lib/server/platform/db";
import { getEnrolmentSecret, getShownRecoveryCodes } from "@/lib/server/factors/enrolment";
import { freshIp } from "@/__tests__/kit/names";
import { markEmailVerified } from "@/__tests__/kit/account-codes";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/request-scope").nextHeaders);
// revalidatePath needs Next's request store, which jest has not: the browser suite sees its effect.
jest.mock("next/cache", () => ({ revalidatePath: jest.fn() }));

async function registered(): Promise<{ userId: string; secret: string }> {
  browser.reset(freshIp());
  const name = uniqueName("new");
  await runAction(() =>
    registerAction(
      {},
      form({ username: name, email: `${name}@example.test`, password: "a long enough passphrase" }),
    ),
  );
  await markEmailVerified(name);
  const user = await db.user.findUniqueOrThrow({ where: { username: name } });
  const challenge = await getPendingChallenge("enrol");
  return { userId: user.id, secret: (await getEnrolmentSecret(challenge!.id))! };
}

const confirm = (fields: Record<string, string | Blob>) =>
  runAction(() => confirmSetupAction({}, form(fields)));

describe("confirmSetupAction", () => {
  it("turns 2FA on with the first code and keeps ten recovery codes for the page until Continue", async () => {
    const { userId, secret } = await registered();
    const { redirectedTo: shown } = await confirm({ code: await currentCode(secret) });
    // The page renders the codes (with or without JavaScript), not the form state.
    expect(shown).toBe("/setup-2fa");
    const challenge = (await getPendingChallenge("enrol"))!;
    const codes = await getShownRecoveryCodes(challenge.id);
    expect(codes).toHaveLength(10);
    const user = await db.user.findUniqueOrThrow({ where: { id: userId }, include: { totpFactor: true } });
    expect(user.twoFactorMethod).toBe("totp");
    expect(user.totpFactor?.confirmedAt).not.toBeNull();
    expect(await db.recoveryCode.count({ where: { userId, usedAt: null } })).toBe(10);
    const stored = await db.signInChallenge.findUniqueOrThrow({ where: { id: challenge.id } });
    expect(stored.enrolSecret).toBeNull();
    expect(stored.enrolCodes).not.toContain(codes![0]);

    // The same challenge cannot confirm twice; Continue then signs in and forgets the codes.
    expect((await confirm({ code: await currentCode(secret, 1) })).result?.message).toMatch(/expired/);
    const { redirectedTo } = await runAction(() => continueAfterSetupAction());
    expect(redirectedTo).toBe("/dashboard");
    expect([...browser.cookies.keys()].some((name) => name.includes("session-token"))).toBe(true);
    expect(await getShownRecoveryCodes(challenge.id)).toBeNull();
  });

  it("refuses a wrong code and leaves 2FA off", async () => {
    const { userId } = await registered();
    const { result } = await confirm({ code: "000000" });
    expect(result?.errors?.code?.[0]).toMatch(/^That code is not right/);
    expect((await db.user.findUniqueOrThrow({ where: { id: userId } })).twoFactorMethod).toBeNull();
  });

  it("does not sign in before the code was confirmed", async () => {
    await registered();
    expect((await runAction(() => continueAfterSetupAction())).redirectedTo).toBe("/login?expired=1");
    expect([...browser.cookies.keys()].some((name) => name.includes("session-token"))).toBe(false);
  });

  it("without a pending enrolment, says the setup expired", async () => {
    browser.reset();
    expect((await confirm({ code: "123456" })).result?.message).toMatch(/expired/);
  });

  describe("refuses bad input with a message, writing nothing", () => {
    const cases: [string, Record<string, string | Blob>][] = [
      ["no code", {}],
      ["a file", { code: new Blob(["123456"]) }],
      ["a 10,000-character code", { code: "1".repeat(10_000) }],
      ["unicode", { code: "①②③④⑤⑥" }],
    ];
    it.each(cases)("%s", async (_name, fields) => {
      const { userId } = await registered();
      const before = await rowCounts();
      const { result } = await confirm(fields);
      expect(result?.errors?.code?.length).toBeGreaterThan(0);
      expect(await rowCounts()).toEqual(before);
      expect(await db.signInChallenge.findFirstOrThrow({ where: { userId } })).toMatchObject({
        failedAttempts: 0,
      });
    });
  });
});
