/** @jest-environment node */
import type { ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { revalidatePath } from "next/cache";
import type { PublicKeyCredentialCreationOptionsJSON } from "@simplewebauthn/server";
import { sendReauthCodeAction } from "@/app/settings/security/actions";
import {
  beginAddPasskeyAction,
  confirmRemovePasskeyAction,
  finishAddPasskeyAction,
  removePasskeyAction,
  renamePasskeyAction,
} from "@/app/settings/security/passkey-actions";
import SecuritySettingsPage from "@/app/settings/security/page";
import { verifyAction } from "@/app/login/verify/actions";
import { passPasswordStep, quietAuthErrors, signInFully } from "@/__tests__/kit/attacker";
import { Browser } from "@/__tests__/kit/browsers";
import { freshIp } from "@/__tests__/kit/names";
import { watchOutbox, type OutboxMail } from "@/__tests__/kit/outbox";
import { form, runAction } from "@/__tests__/kit/request-scope";
import { SoftwareAuthenticator } from "@/__tests__/kit/software-authenticator";
import { createEnrolledUser, currentCode, type TestUser } from "@/__tests__/kit/users";
import { subject as passkeyAddedSubject } from "@/emails/passkey-added";
import { subject as passkeyRemovedSubject } from "@/emails/passkey-removed";
import { subject as recoveryCodeUsedSubject } from "@/emails/recovery-code-used";
import { subject as signInCodeSubject } from "@/emails/sign-in-code";
import { listPasskeys, startPasskeyRegistration } from "@/lib/server/factors/passkeys";
import { db } from "@/lib/server/platform/db";
import { keys, PASSKEY_SETTINGS_MESSAGES as MESSAGES } from "@/lib/server/policy";
import { limitSubject } from "@/lib/server/sign-in/known-device";
import type { PasskeyState } from "@/lib/validations/passkeys";

// The Passkeys section of /settings/security through real sessions and the
// software authenticator: begin (password and current code, then options),
// the authenticator's answer, finish; rename; remove behind a confirmation.
jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);
jest.mock("next/cache", () => ({ revalidatePath: jest.fn() }));
quietAuthErrors();

const CHROME_ON_MAC =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const ICLOUD_KEYCHAIN = "fbfc3007-154e-4ecc-8c0b-6e020557d7bd";

beforeEach(() => {
  jest.mocked(revalidatePath).mockClear();
});

async function signedIn(userAgent = "jest-attacker"): Promise<{ user: TestUser; browser: Browser }> {
  const user = await createEnrolledUser();
  const browser = new Browser(freshIp(), userAgent);
  await signInFully(browser, user);
  return { user, browser };
}

// A right re-authentication: the password and an unused recovery code (the
// sign-in spent this time step of the app).
const reauth = (user: TestUser, index = 0) => ({ password: user.password, code: user.recoveryCodes[index] });

const begin = (browser: Browser, fields: Record<string, string>) =>
  browser.run(() => runAction(() => beginAddPasskeyAction({}, form(fields))));

const finish = (browser: Browser, previous: PasskeyState, fields: Record<string, string>) =>
  browser.run(() => runAction(() => finishAddPasskeyAction(previous, form(fields))));

function creationOptions(state: PasskeyState | undefined): PublicKeyCredentialCreationOptionsJSON {
  if (state?.options?.ceremony !== "create") throw new Error(`no creation options: ${JSON.stringify(state)}`);
  return state.options.json;
}

// Both posts of "Add a passkey", as PasskeyCeremony makes them.
async function addPasskey(
  browser: Browser,
  user: TestUser,
  options: { name?: string; index?: number; authenticator?: SoftwareAuthenticator; aaguid?: string } = {},
): Promise<PasskeyState | undefined> {
  const { name = "", index = 0, authenticator = new SoftwareAuthenticator(), aaguid } = options;
  const begun = await begin(browser, { name, ...reauth(user, index) });
  const response = authenticator.register(creationOptions(begun.result), { aaguid });
  const values = begun.result?.values ?? {};
  return (await finish(browser, { values }, { ...values, response: JSON.stringify(response) })).result;
}

const noticesIn = (mails: OutboxMail[]) =>
  mails.filter((mail) => mail.subject !== recoveryCodeUsedSubject).map((mail) => [mail.to, mail.subject]);

const passkeyChallenges = (userId: string) => db.passkeyChallenge.count({ where: { userId } });

describe("adding a passkey in settings", () => {
  it("with the password and a current code: stores it, records it, emails a notice and refreshes the page", async () => {
    const { user, browser } = await signedIn();
    const written = watchOutbox();
    const done = await addPasskey(browser, user, { name: "  Work laptop " });
    expect(done).toMatchObject({ done: true, message: "Passkey added." });
    expect(await listPasskeys(user.id)).toEqual([
      expect.objectContaining({ name: "Work laptop", lastUsedAt: null }),
    ]);
    const event = await db.securityEvent.findFirstOrThrow({
      where: { userId: user.id, type: "passkey_added" },
    });
    expect(event.detail).toBe("Work laptop");
    expect(event.ip).toBe(browser.ip);
    const mails = written();
    expect(noticesIn(mails)).toEqual([[user.email, passkeyAddedSubject]]);
    expect(mails.find((mail) => mail.subject === passkeyAddedSubject)?.text).toMatch(
      /^Passkey: Work laptop$/m,
    );
    expect(revalidatePath).toHaveBeenCalledWith("/settings/security");
  });

  it.each([
    ["a wrong password", (user: TestUser) => ({ password: "not the password", code: user.recoveryCodes[0] })],
    ["a wrong code", (user: TestUser) => ({ password: user.password, code: "000000" })],
    ["no code", (user: TestUser) => ({ password: user.password, code: "" })],
    ["nothing", () => ({})],
  ])("refuses %s before any challenge is made, storing nothing", async (_name, fields) => {
    const { user, browser } = await signedIn();
    const { result } = await begin(browser, { name: "Laptop", ...fields(user) });
    expect(result?.options).toBeUndefined();
    expect(Object.keys(result?.errors ?? {}).length).toBeGreaterThan(0);
    expect(result?.values).toEqual({ name: "Laptop" });
    expect(await passkeyChallenges(user.id)).toBe(0);
    expect(await listPasskeys(user.id)).toEqual([]);
  });

  it("refuses a name over 64 characters before any code is spent", async () => {
    const { user, browser } = await signedIn();
    const { result } = await begin(browser, { name: "n".repeat(65), ...reauth(user) });
    expect(result?.errors?.name?.[0]).toMatch(/at most 64 characters/);
    expect(await db.recoveryCode.count({ where: { userId: user.id, usedAt: null } })).toBe(10);
  });

  it("refuses a finish posted from another session of the same account, which leaves the challenge to its own", async () => {
    const { user, browser } = await signedIn();
    // A second sign-in, with the last recovery code (the first spent this time step).
    const other = new Browser(freshIp());
    await passPasswordStep(other, user);
    const code = user.recoveryCodes[9]!;
    const signedInToo = await other.run(() =>
      runAction(() => verifyAction({}, form({ method: "recovery", code }))),
    );
    expect(signedInToo.redirectedTo).toBe("/dashboard");
    const begun = await begin(browser, { name: "", ...reauth(user) });
    const response = JSON.stringify(new SoftwareAuthenticator().register(creationOptions(begun.result)));

    const elsewhere = await finish(other, {}, { response });
    expect(elsewhere.result?.message).toBe(MESSAGES.registrationRefused.challenge);
    expect(await listPasskeys(user.id)).toEqual([]);

    const here = await finish(browser, {}, { response });
    expect(here.result?.done).toBe(true);
    expect(await listPasskeys(user.id)).toHaveLength(1);
  });

  it("refuses a response to a challenge this session never asked for, and one used twice", async () => {
    const { user, browser } = await signedIn();
    const foreign = await startPasskeyRegistration(user, { sessionId: "some-other-session" });
    const stray = JSON.stringify(new SoftwareAuthenticator().register(foreign));
    expect((await finish(browser, {}, { response: stray })).result?.message).toBe(
      MESSAGES.registrationRefused.challenge,
    );

    const begun = await begin(browser, { name: "", ...reauth(user) });
    const authenticator = new SoftwareAuthenticator();
    const response = JSON.stringify(authenticator.register(creationOptions(begun.result)));
    expect((await finish(browser, {}, { response })).result?.done).toBe(true);
    expect((await finish(browser, {}, { response })).result?.message).toBe(
      MESSAGES.registrationRefused.challenge,
    );
    expect(await listPasskeys(user.id)).toHaveLength(1);
  });

  it("says so when the authenticator did not verify the user, and stores nothing", async () => {
    const { user, browser } = await signedIn();
    const begun = await begin(browser, { name: "", ...reauth(user) });
    const response = new SoftwareAuthenticator().register(creationOptions(begun.result), {
      userVerified: false,
    });
    const { result } = await finish(browser, {}, { response: JSON.stringify(response) });
    expect(result?.message).toMatch(
      /^Your authenticator did not verify it was you \(PIN, fingerprint or face\)/,
    );
    expect(await listPasskeys(user.id)).toEqual([]);
  });

  it("answers an unreadable response next to the form, never a throw", async () => {
    const { user, browser } = await signedIn();
    for (const response of ["", "{", JSON.stringify({ id: "x" }), "x".repeat(20_000)]) {
      const { result } = await finish(browser, {}, { response });
      expect(result?.errors?.response).toEqual(["The passkey's answer could not be read. Try again."]);
    }
    expect(await listPasskeys(user.id)).toEqual([]);
  });

  it("names an unnamed passkey after the browser that made it", async () => {
    const { user, browser } = await signedIn(CHROME_ON_MAC);
    expect((await addPasskey(browser, user))?.done).toBe(true);
    expect((await listPasskeys(user.id)).map((passkey) => passkey.name)).toEqual(["Chrome 131 on macOS"]);
  });

  it("names an unnamed passkey after its provider when the AAGUID is a known one", async () => {
    const { user, browser } = await signedIn(CHROME_ON_MAC);
    expect((await addPasskey(browser, user, { aaguid: ICLOUD_KEYCHAIN }))?.done).toBe(true);
    expect((await listPasskeys(user.id)).map((passkey) => passkey.name)).toEqual(["iCloud Keychain"]);
  });

  it("counts a failed registration against the account's code limit, and gives a success's try back", async () => {
    const { user, browser } = await signedIn();
    const key = keys.codes(await browser.run(() => limitSubject(user.id)));
    const tries = async () => (await db.rateLimit.findUnique({ where: { key } }))?.count ?? 0;
    // A right re-authentication resets the count, as a right code at sign-in does.
    const begun = await begin(browser, { name: "", ...reauth(user) });
    expect(await tries()).toBe(0);
    const response = new SoftwareAuthenticator().register(creationOptions(begun.result), {
      userVerified: false,
    });
    await finish(browser, {}, { response: JSON.stringify(response) });
    expect(await tries()).toBe(1);

    const again = await begin(browser, { name: "", ...reauth(user, 1) });
    const added = new SoftwareAuthenticator().register(creationOptions(again.result));
    expect((await finish(browser, {}, { response: JSON.stringify(added) })).result?.done).toBe(true);
    expect(await tries()).toBe(0);
  });
});

describe("renaming a passkey", () => {
  it("changes its name without re-authentication and records the change", async () => {
    const { user, browser } = await signedIn();
    await addPasskey(browser, user, { name: "Laptop" });
    const [passkey] = await listPasskeys(user.id);
    const { result } = await browser.run(() =>
      runAction(() => renamePasskeyAction({}, form({ passkeyId: passkey!.id, name: " Phone " }))),
    );
    expect(result).toMatchObject({ done: true, message: "Passkey renamed." });
    expect((await listPasskeys(user.id))[0]?.name).toBe("Phone");
    const event = await db.securityEvent.findFirstOrThrow({
      where: { userId: user.id, type: "passkey_renamed" },
    });
    expect(event.detail).toBe("Phone");
  });

  it("refuses an empty name next to the field, and another account's passkey", async () => {
    const { user, browser } = await signedIn();
    const owner = await signedIn();
    await addPasskey(owner.browser, owner.user, { name: "Theirs" });
    const [theirs] = await listPasskeys(owner.user.id);
    const rename = (fields: Record<string, string>) =>
      browser.run(() => runAction(() => renamePasskeyAction({}, form(fields))));

    expect((await rename({ passkeyId: theirs!.id, name: "   " })).result?.errors?.name).toHaveLength(1);
    expect((await rename({ passkeyId: theirs!.id, name: "Mine now" })).result?.message).toBe(
      MESSAGES.notFound,
    );
    expect((await listPasskeys(owner.user.id))[0]?.name).toBe("Theirs");
    expect(await db.securityEvent.count({ where: { userId: user.id, type: "passkey_renamed" } })).toBe(0);
  });
});

describe("removing a passkey", () => {
  const ask = (browser: Browser, passkeyId: string) =>
    browser.run(() => runAction(() => confirmRemovePasskeyAction({}, form({ passkeyId }))));
  const remove = (browser: Browser, fields: Record<string, string>) =>
    browser.run(() => runAction(() => removePasskeyAction({}, form(fields))));

  it("asks for the password and a code first, then removes it, records it and emails a notice", async () => {
    const { user, browser } = await signedIn();
    await addPasskey(browser, user, { name: "Old phone" });
    const [passkey] = await listPasskeys(user.id);
    expect((await ask(browser, passkey!.id)).result).toMatchObject({ confirming: passkey!.id });

    const wrong = await remove(browser, {
      passkeyId: passkey!.id,
      password: "not it",
      code: user.recoveryCodes[1],
    });
    expect(wrong.result?.errors?.password).toEqual(["That password is not right"]);
    expect(wrong.result?.confirming).toBe(passkey!.id);
    expect(await listPasskeys(user.id)).toHaveLength(1);

    jest.mocked(revalidatePath).mockClear();
    const written = watchOutbox();
    const done = await remove(browser, { passkeyId: passkey!.id, ...reauth(user, 1) });
    expect(done.result).toMatchObject({ done: true, message: "Passkey removed." });
    expect(await listPasskeys(user.id)).toEqual([]);
    const event = await db.securityEvent.findFirstOrThrow({
      where: { userId: user.id, type: "passkey_removed" },
    });
    expect(event.detail).toBe("Old phone");
    const mails = written();
    expect(noticesIn(mails)).toEqual([[user.email, passkeyRemovedSubject]]);
    expect(mails.find((mail) => mail.subject === passkeyRemovedSubject)?.text).toMatch(
      /^Passkey: Old phone$/m,
    );
    expect(revalidatePath).toHaveBeenCalledWith("/settings/security");
  });

  it("refuses without a right re-authentication, keeping the passkey", async () => {
    const { user, browser } = await signedIn();
    await addPasskey(browser, user, { name: "Phone" });
    const [passkey] = await listPasskeys(user.id);
    for (const fields of [{}, { password: user.password, code: "000000" }] as Record<string, string>[]) {
      const { result } = await remove(browser, { passkeyId: passkey!.id, ...fields });
      expect(Object.keys(result?.errors ?? {}).length).toBeGreaterThan(0);
    }
    expect(await listPasskeys(user.id)).toHaveLength(1);
    expect(await db.securityEvent.count({ where: { userId: user.id, type: "passkey_removed" } })).toBe(0);
  });

  it("refuses the account's last factor at once, spending no code", async () => {
    const { user, browser } = await signedIn();
    await addPasskey(browser, user, { name: "Only one" });
    // An account enrolled with a passkey at /setup-2fa: no app, recovery codes.
    await db.totpFactor.delete({ where: { userId: user.id } });
    await db.user.update({ where: { id: user.id }, data: { twoFactorMethod: "passkey" } });
    const [passkey] = await listPasskeys(user.id);

    const asked = await ask(browser, passkey!.id);
    expect(asked.result?.message).toBe(MESSAGES.lastFactor);
    expect(asked.result?.confirming).toBeUndefined();
    const removed = await remove(browser, { passkeyId: passkey!.id, ...reauth(user, 1) });
    expect(removed.result?.message).toMatch(/^This is your only way to sign in a second time/);
    expect(await listPasskeys(user.id)).toHaveLength(1);
    expect(await db.recoveryCode.count({ where: { userId: user.id, usedAt: null } })).toBe(9);
  });

  it("does not remove another account's passkey", async () => {
    const { user, browser } = await signedIn();
    const owner = await signedIn();
    await addPasskey(owner.browser, owner.user, { name: "Theirs" });
    const [theirs] = await listPasskeys(owner.user.id);
    expect((await ask(browser, theirs!.id)).result?.message).toBe(MESSAGES.notFound);
    expect((await remove(browser, { passkeyId: theirs!.id, ...reauth(user, 1) })).result?.message).toBe(
      MESSAGES.notFound,
    );
    expect(await listPasskeys(owner.user.id)).toHaveLength(1);
  });
});

describe("an account whose factor is a passkey", () => {
  type AnyPage = (props: { searchParams: Promise<Record<string, string>> }) => Promise<ReactElement>;
  const settingsPage = (browser: Browser) =>
    browser.run(async () =>
      renderToStaticMarkup(await (SecuritySettingsPage as AnyPage)({ searchParams: Promise.resolve({}) })),
    );

  async function passkeyAccount() {
    const account = await signedIn();
    await addPasskey(account.browser, account.user, { name: "Enrolled passkey" });
    await db.totpFactor.delete({ where: { userId: account.user.id } });
    await db.user.update({ where: { id: account.user.id }, data: { twoFactorMethod: "passkey" } });
    return account;
  }

  it("sees its method as Passkey, its passkeys listed, and an authenticator app offered", async () => {
    const { browser } = await passkeyAccount();
    const page = await settingsPage(browser);
    expect(page).toMatch(/<dd[^>]*>Passkey<\/dd>/);
    expect(page).toContain(">Use an authenticator app</h2>");
    expect(page).toContain(">Passkeys</h2>");
    expect(page).toMatch(/data-testid="passkey"[\s\S]*Enrolled passkey[\s\S]*Never used/);
    expect(page).toContain("Email me a code");
  });

  it("re-authenticates with a recovery code", async () => {
    const { user, browser } = await passkeyAccount();
    const { result } = await begin(browser, { name: "", ...reauth(user, 2) });
    expect(result?.options?.ceremony).toBe("create");
  });

  it("re-authenticates with an emailed code, and not with an app code", async () => {
    const { user, browser } = await passkeyAccount();
    const appCode = await currentCode(user.secret, 1);
    expect(
      (await begin(browser, { name: "", password: user.password, code: appCode })).result?.errors?.code,
    ).toEqual(["That code is not right or was already used"]);
    const written = watchOutbox();
    const sent = await browser.run(() => runAction(() => sendReauthCodeAction()));
    expect(sent.result?.message).toMatch(/^We sent a code to/);
    const mail = written().find((each) => each.subject === signInCodeSubject);
    const code = /\b(\d{6})\b/.exec(mail?.text ?? "")?.[1];
    if (!code) throw new Error("no code in the email");
    const { result } = await begin(browser, { name: "", password: user.password, code });
    expect(result?.options?.ceremony).toBe("create");
  });
});
