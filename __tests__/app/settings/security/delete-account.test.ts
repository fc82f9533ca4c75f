/** @jest-environment node */
import type { ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import HomePage from "@/app/page";
import { registerAction } from "@/app/register/actions";
import {
  deleteAccountAction,
  startAccountDeletionAction,
} from "@/app/settings/security/delete-account-actions";
import { subject as accountDeletedSubject } from "@/emails/account-deleted";
import { seedAccountWithEveryRow, tablesMentioning } from "@/__tests__/kit/account-rows";
import { quietAuthErrors, signInFully, SESSION_COOKIE } from "@/__tests__/kit/attacker";
import { Browser } from "@/__tests__/kit/browsers";
import { freshIp } from "@/__tests__/kit/names";
import { watchOutbox } from "@/__tests__/kit/outbox";
import { form, runAction } from "@/__tests__/kit/request-scope";
import { createEnrolledUser, currentCode, type TestUser } from "@/__tests__/kit/users";
import { db } from "@/lib/server/platform/db";
import { ACCOUNT_DELETION, accountDeletionKeys } from "@/lib/server/policy";
import { nameLimitSubject } from "@/lib/server/sign-in/known-device";
import { getCurrentSession } from "@/lib/server/sign-in/session";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);
jest.mock("next/cache", () => ({ revalidatePath: jest.fn() }));
quietAuthErrors();

const REFUSED =
  "That confirmation has expired. Enter your password and a current code again to delete your account.";

async function signedIn(user?: TestUser): Promise<{ user: TestUser; browser: Browser }> {
  const account = user ?? (await createEnrolledUser());
  const browser = new Browser(
    freshIp(),
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
  );
  await signInFully(browser, account);
  return { user: account, browser };
}

const ask = (browser: Browser, fields: Record<string, string>) =>
  browser.run(() => runAction(() => startAccountDeletionAction({}, form(fields))));
const confirm = (browser: Browser, fields: Record<string, string>) =>
  browser.run(() => runAction(() => deleteAccountAction({}, form(fields))));
const sessionOf = (browser: Browser) => browser.run(() => getCurrentSession());
const accountExists = async (user: TestUser) => (await db.user.count({ where: { id: user.id } })) === 1;

// A right re-authentication: the sign-in used the current TOTP step, so the next one.
async function proofFor(browser: Browser, user: TestUser): Promise<string> {
  const { result } = await ask(browser, { password: user.password, code: await currentCode(user.secret, 1) });
  expect(result?.proof).toEqual(expect.any(String));
  return result!.proof!;
}

describe('"Delete account", the first step', () => {
  it("refuses a wrong password or a wrong code, answering no confirmation and deleting nothing", async () => {
    const { user, browser } = await signedIn();
    const wrongPassword = await ask(browser, { password: "not it at all", code: user.recoveryCodes[0]! });
    expect(wrongPassword.result?.errors?.password).toEqual(["That password is not right"]);
    const wrongCode = await ask(browser, { password: user.password, code: "000000" });
    expect(wrongCode.result?.errors?.code).toEqual(["That code is not right or was already used"]);
    const empty = await ask(browser, {});
    expect(empty.result?.errors?.password).toBeDefined();
    for (const answer of [wrongPassword, wrongCode, empty]) expect(answer.result?.proof).toBeUndefined();
    expect(await accountExists(user)).toBe(true);
    expect(await sessionOf(browser)).not.toBeNull();
    const session = (await sessionOf(browser))!;
    expect(
      await db.rateLimit.count({
        where: { key: { startsWith: accountDeletionKeys.sessionPrefix(session.sessionId) } },
      }),
    ).toBe(0);
  });

  it("answers the confirmation after a right password and code, and deletes nothing yet", async () => {
    const { user, browser } = await signedIn();
    await proofFor(browser, user);
    expect(await accountExists(user)).toBe(true);
    expect(await sessionOf(browser)).not.toBeNull();
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(true);
  });
});

describe('"Delete my account permanently", the confirmation', () => {
  it("deletes nothing without the first step's proof, or with a made-up one", async () => {
    const { user, browser } = await signedIn();
    const missing = await confirm(browser, {});
    expect(missing.result?.errors?.proof).toEqual(["Enter your password and a current code first."]);
    const tooLong = await confirm(browser, { proof: "x".repeat(5000) });
    expect(tooLong.result?.errors?.proof).toBeDefined();
    const madeUp = await confirm(browser, { proof: "a".repeat(43) });
    expect(madeUp.result?.message).toBe(REFUSED);
    expect(await accountExists(user)).toBe(true);
    expect(await sessionOf(browser)).not.toBeNull();
  });

  it("deletes nothing with the proof of another session, of the same account or another", async () => {
    const { user, browser: laptop } = await signedIn();
    const proof = await proofFor(laptop, user);
    // A second session of the same account (one minute later, so its code step is its own).
    jest.useFakeTimers({
      now: Date.now() + 60_000,
      doNotFake: ["nextTick", "setImmediate", "queueMicrotask"],
    });
    let phone: Browser;
    try {
      ({ browser: phone } = await signedIn(user));
    } finally {
      jest.useRealTimers();
    }
    const { browser: stranger, user: strangerUser } = await signedIn();
    expect((await confirm(phone, { proof })).result?.message).toBe(REFUSED);
    expect((await confirm(stranger, { proof })).result?.message).toBe(REFUSED);
    expect(await accountExists(user)).toBe(true);
    expect(await accountExists(strangerUser)).toBe(true);
    // The right session may still use it.
    expect((await confirm(laptop, { proof })).redirectedTo).toBe("/?deleted=1");
    expect(await accountExists(user)).toBe(false);
  });

  it(`deletes nothing with a proof older than ${ACCOUNT_DELETION.proofLifetimeMs / 60_000} minutes`, async () => {
    const { user, browser } = await signedIn();
    const proof = await proofFor(browser, user);
    jest.useFakeTimers({
      now: Date.now() + ACCOUNT_DELETION.proofLifetimeMs + 1_000,
      doNotFake: ["nextTick", "setImmediate", "queueMicrotask"],
    });
    try {
      expect((await confirm(browser, { proof })).result?.message).toBe(REFUSED);
    } finally {
      jest.useRealTimers();
    }
    expect(await accountExists(user)).toBe(true);
  });

  it("deletes nothing with a proof replaced by a newer first step", async () => {
    const { user, browser } = await signedIn();
    const older = await proofFor(browser, user);
    const { result } = await ask(browser, { password: user.password, code: user.recoveryCodes[0]! });
    expect(result?.proof).toBeDefined();
    expect((await confirm(browser, { proof: older })).result?.message).toBe(REFUSED);
    expect(await accountExists(user)).toBe(true);
  });

  it("deletes every row of the account, emails the address, ends the session and says so on the home page", async () => {
    const seeded = await seedAccountWithEveryRow();
    // The seeded limits would hold up the sign-in; their rows stay, to be deleted.
    await db.rateLimit.updateMany({
      where: { key: { in: seeded.rateLimitKeys } },
      data: { count: 0, nextAllowedAt: null },
    });
    const other = await seedAccountWithEveryRow();
    const { browser } = await signedIn(seeded);
    const proof = await proofFor(browser, seeded);
    const trace = [
      seeded.id,
      seeded.username,
      seeded.email,
      nameLimitSubject(seeded.username),
      nameLimitSubject(seeded.email),
    ];
    const sent = watchOutbox();

    const { redirectedTo } = await confirm(browser, { proof });

    expect(redirectedTo).toBe("/?deleted=1");
    expect(await tablesMentioning(trace)).toEqual({});
    expect(Object.keys(await tablesMentioning([other.id])).length).toBeGreaterThan(5);
    const event = await db.securityEvent.findFirstOrThrow({
      where: { type: "account_deleted", ip: browser.ip },
    });
    expect([event.userId, event.detail]).toEqual([null, "by the user"]);
    const mails = sent().filter((mail) => mail.to === seeded.email);
    expect(mails.map((mail) => mail.subject)).toEqual([accountDeletedSubject]);
    expect(mails[0]!.text).toContain(`Your account ${seeded.username} at Two-Factor App was deleted`);
    expect(mails[0]!.text).toMatch(/^Browser: Firefox 133 on Linux$/m);
    expect(mails[0]!.text).not.toContain(proof);
    // Signed out: no cookie, and the old one is refused.
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
    expect(await sessionOf(browser)).toBeNull();
    const home = await browser.run(async () =>
      renderToStaticMarkup(
        await (
          HomePage as (props: { searchParams: Promise<Record<string, string>> }) => Promise<ReactElement>
        )({
          searchParams: Promise.resolve({ deleted: "1" }),
        }),
      ),
    );
    expect(home).toContain("Your account was deleted.");
  });

  it("frees the username and the address: the register form takes them again", async () => {
    const { user, browser } = await signedIn();
    const proof = await proofFor(browser, user);
    expect((await confirm(browser, { proof })).redirectedTo).toBe("/?deleted=1");

    const newcomer = new Browser(freshIp());
    const { redirectedTo, result } = await newcomer.run(() =>
      runAction(() =>
        registerAction(
          {},
          form({ username: user.username, email: user.email, password: "a new long passphrase 42" }),
        ),
      ),
    );
    expect(result?.errors).toBeUndefined();
    expect(redirectedTo).toBe("/verify-email");
    const again = await db.user.findUniqueOrThrow({ where: { username: user.username } });
    expect(again.email).toBe(user.email);
    expect(again.id).not.toBe(user.id);
  });
});
