/** @jest-environment node */
import { loginAction } from "@/app/login/actions";
import type {
  PublicKeyCredentialCreationOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";
import {
  beginPasskeySetupAction,
  continueAfterSetupAction,
  finishPasskeySetupAction,
} from "@/app/setup-2fa/actions";
import { markEmailVerified } from "@/__tests__/kit/account-codes";
import { Browser } from "@/__tests__/kit/browsers";
import { freshIp, uniqueName } from "@/__tests__/kit/names";
import { watchOutbox } from "@/__tests__/kit/outbox";
import { form, runAction } from "@/__tests__/kit/request-scope";
import { SoftwareAuthenticator } from "@/__tests__/kit/software-authenticator";
import { rowCounts } from "@/__tests__/kit/users";
import { registerAccount } from "@/lib/server/accounts/accounts";
import { hashPassword } from "@/lib/server/accounts/password";
import { getShownRecoveryCodes } from "@/lib/server/factors/enrolment";
import { finishPasskeyAuthentication, startPasskeyAuthentication } from "@/lib/server/factors/passkeys";
import { db } from "@/lib/server/platform/db";
import { MESSAGES, PASSKEY_SETUP_LIMITS, PASSKEY_SETUP_MESSAGES } from "@/lib/server/policy";
import { createChallenge, getPendingChallenge } from "@/lib/server/sign-in/challenge";
import { getCurrentSession } from "@/lib/server/sign-in/session";
import { PASSKEY_RESPONSE_UNREADABLE } from "@/lib/validations/passkeys";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);
// revalidatePath needs Next's request store, which jest has not: the browser suite sees its effect.
jest.mock("next/cache", () => ({ revalidatePath: jest.fn() }));

const CHROME_ON_MACOS =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

type Enrolling = { browser: Browser; userId: string; username: string; email: string };

// A verified account whose enrolment this browser holds, as /login or
// /verify-email leave it on its way to /setup-2fa.
async function enrolling(userAgent = CHROME_ON_MACOS, passwordHash = "x"): Promise<Enrolling> {
  const username = uniqueName("pkset");
  const email = `${username}@example.test`;
  const created = await registerAccount({ username, email, passwordHash });
  if (!created.ok) throw new Error("could not register");
  await markEmailVerified(username);
  return { ...(await enrolIn(new Browser(freshIp(), userAgent), created.userId)), username, email };
}

async function enrolIn(browser: Browser, userId: string): Promise<{ browser: Browser; userId: string }> {
  await browser.run(() => createChallenge(userId, "enrol", { ip: browser.ip, userAgent: browser.userAgent }));
  return { browser, userId };
}

const begin = (browser: Browser) =>
  browser.run(() => runAction(() => beginPasskeySetupAction({}, new FormData())));

// "Use a passkey instead", first post: the options the browser's prompt gets.
async function optionsFor(browser: Browser): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const { result } = await begin(browser);
  if (result?.options?.ceremony !== "create") throw new Error(`no options: ${result?.message}`);
  return result.options.json;
}

const finish = (browser: Browser, response: RegistrationResponseJSON | string) =>
  browser.run(() =>
    runAction(() =>
      finishPasskeySetupAction(
        {},
        form({ response: typeof response === "string" ? response : JSON.stringify(response) }),
      ),
    ),
  );

const account = (userId: string) =>
  db.user.findUniqueOrThrow({ where: { id: userId }, include: { passkeys: true } });

describe("a passkey as the factor chosen at /setup-2fa", () => {
  it("turns 2FA on with the passkey: stored and usable, ten recovery codes shown until Continue, then a session", async () => {
    const { browser, userId, email } = await enrolling();
    const authenticator = new SoftwareAuthenticator();
    const options = await optionsFor(browser);
    expect(options.authenticatorSelection).toMatchObject({
      residentKey: "required",
      userVerification: "required",
    });
    const sent = watchOutbox();
    const { redirectedTo, result } = await finish(browser, authenticator.register(options));
    expect(result).toBeUndefined();
    expect(redirectedTo).toBe("/setup-2fa");

    const user = await account(userId);
    expect(user.twoFactorMethod).toBe("passkey");
    expect(user.passkeys).toHaveLength(1);
    expect(user.passkeys[0]?.name).toBe("Chrome 131 on macOS");
    expect(await db.recoveryCode.count({ where: { userId, usedAt: null } })).toBe(10);
    const challenge = (await browser.run(() => getPendingChallenge("enrol")))!;
    expect(challenge.verified).toBe(true);
    expect(await getShownRecoveryCodes(challenge.id)).toHaveLength(10);
    const events = await db.securityEvent.findMany({ where: { userId }, orderBy: { createdAt: "asc" } });
    expect(events.map((event) => [event.type, event.detail])).toEqual(
      expect.arrayContaining([
        ["two_factor_enabled", "Passkey"],
        ["passkey_added", "Chrome 131 on macOS"],
      ]),
    );
    expect(sent().map((mail) => [mail.to, mail.subject])).toEqual([[email, "Welcome to Two-Factor App"]]);

    // The stored public key verifies the same authenticator's next use.
    const use = authenticator.authenticate(await startPasskeyAuthentication({ userId }));
    expect(await finishPasskeyAuthentication(use, { userId, requireUserVerification: true })).toMatchObject({
      ok: true,
      userId,
    });

    // Continue signs in (a passkey account is as complete as any) and the codes are gone.
    expect((await browser.run(() => runAction(() => continueAfterSetupAction()))).redirectedTo).toBe(
      "/dashboard",
    );
    expect(await getShownRecoveryCodes(challenge.id)).toBeNull();
    const session = await browser.run(() => getCurrentSession());
    expect(session?.user).toMatchObject({ id: userId, twoFactorMethod: "passkey" });
  });

  it("sends the passkey account's next sign-in from its password to the second step, not back to setup", async () => {
    const password = "a long enough passphrase";
    const { browser, username } = await enrolling(CHROME_ON_MACOS, await hashPassword(password));
    await finish(browser, new SoftwareAuthenticator().register(await optionsFor(browser)));
    await browser.run(() => runAction(() => continueAfterSetupAction()));

    const later = new Browser(freshIp());
    const { redirectedTo } = await later.run(() =>
      runAction(() => loginAction({}, form({ identifier: username, password }))),
    );
    expect(redirectedTo).toMatch(/^\/login\/verify/);
    expect(await later.run(() => getPendingChallenge("signin"))).not.toBeNull();
  });

  it("refuses once the enrolment is verified: no new options, no second passkey", async () => {
    const { browser, userId } = await enrolling();
    const authenticator = new SoftwareAuthenticator();
    const options = await optionsFor(browser);
    const spare = await optionsFor(browser);
    expect((await finish(browser, authenticator.register(options))).redirectedTo).toBe("/setup-2fa");

    expect((await begin(browser)).result).toEqual({ message: MESSAGES.setupExpired });
    const again = await finish(browser, new SoftwareAuthenticator().register(spare));
    expect(again.result?.message).toBe(MESSAGES.setupExpired);
    expect((await account(userId)).passkeys).toHaveLength(1);
  });

  it("refuses a registration from another browser's enrolment, of the same account or another", async () => {
    const first = await enrolling();
    const stale = await optionsFor(first.browser);
    // The same account's enrolment in a second browser ends the first one's.
    const second = await enrolIn(new Browser(freshIp()), first.userId);
    const crossed = await finish(second.browser, new SoftwareAuthenticator().register(stale));
    expect(crossed.result?.message).toBe(PASSKEY_SETUP_MESSAGES.challenge);
    const own = await finish(first.browser, new SoftwareAuthenticator().register(stale));
    expect(own.result?.message).toBe(MESSAGES.setupExpired);

    const other = await enrolling();
    const foreign = await finish(
      other.browser,
      new SoftwareAuthenticator().register(await optionsFor(second.browser)),
    );
    expect(foreign.result?.message).toBe(PASSKEY_SETUP_MESSAGES.challenge);
    for (const userId of [first.userId, other.userId]) {
      expect(await account(userId)).toMatchObject({ twoFactorMethod: null, passkeys: [] });
    }
  });

  it("refuses a passkey that did not verify its user, counting a try, and lets a right one through after", async () => {
    const { browser, userId } = await enrolling();
    const refused = await finish(
      browser,
      new SoftwareAuthenticator().register(await optionsFor(browser), { userVerified: false }),
    );
    expect(refused.result?.message).toBe(PASSKEY_SETUP_MESSAGES["user verification"]);
    expect(await account(userId)).toMatchObject({ twoFactorMethod: null, passkeys: [] });
    expect(await db.securityEvent.count({ where: { userId, type: "passkey_refused" } })).toBe(1);
    expect((await browser.run(() => getPendingChallenge("enrol")))?.failedAttempts).toBe(1);

    const accepted = await finish(browser, new SoftwareAuthenticator().register(await optionsFor(browser)));
    expect(accepted.redirectedTo).toBe("/setup-2fa");
    expect((await account(userId)).twoFactorMethod).toBe("passkey");
  });

  it("keeps the factor the account got meanwhile, and leaves the passkey just made behind nowhere", async () => {
    const { browser, userId } = await enrolling();
    const options = await optionsFor(browser);
    await db.user.update({
      where: { id: userId },
      data: { twoFactorMethod: "email", twoFactorAt: new Date() },
    });
    const { result } = await finish(browser, new SoftwareAuthenticator().register(options));
    expect(result?.message).toBe(PASSKEY_SETUP_MESSAGES["enrolment ended"]);
    expect(await account(userId)).toMatchObject({ twoFactorMethod: "email", passkeys: [] });
    expect(await db.recoveryCode.count({ where: { userId } })).toBe(0);
    expect(await db.securityEvent.count({ where: { userId, type: "two_factor_enabled" } })).toBe(0);
  });

  it("makes at most 20 sets of options per account in 15 minutes, then says when to try again", async () => {
    const { browser, userId } = await enrolling();
    for (let i = 0; i < PASSKEY_SETUP_LIMITS.beginsPerAccount.max; i++) await optionsFor(browser);
    const before = await db.passkeyChallenge.count({ where: { userId } });
    const { result } = await begin(browser);
    expect(result?.options).toBeUndefined();
    expect(result?.message).toMatch(/try again/i);
    expect(await db.passkeyChallenge.count({ where: { userId } })).toBe(before);
  });

  it("without an enrolment in this browser, says the setup expired and makes no options", async () => {
    const before = await db.passkeyChallenge.count();
    expect((await begin(new Browser(freshIp()))).result).toEqual({ message: MESSAGES.setupExpired });
    expect(await db.passkeyChallenge.count()).toBe(before);
  });

  describe("refuses an unreadable answer with a message, writing nothing and counting no try", () => {
    const cases: [string, string][] = [
      ["not JSON", "{not json"],
      ["JSON of another shape", JSON.stringify({ id: "x", type: "public-key" })],
      ["a 20,000-character answer", "x".repeat(20_000)],
      ["empty", ""],
    ];
    it.each(cases)("%s", async (_name, response) => {
      const { browser, userId } = await enrolling();
      const before = await rowCounts();
      const { result } = await finish(browser, response);
      expect(result?.errors?.response).toEqual([PASSKEY_RESPONSE_UNREADABLE]);
      expect(await rowCounts()).toEqual(before);
      expect(await account(userId)).toMatchObject({ twoFactorMethod: null, passkeys: [] });
      expect((await browser.run(() => getPendingChallenge("enrol")))?.failedAttempts).toBe(0);
    });
  });
});
