/** @jest-environment node */
import type { ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { verifyAction } from "@/app/login/verify/actions";
import { changeEmailAction, sendVerificationCodeAction } from "@/app/settings/security/email-actions";
import SecuritySettingsPage from "@/app/settings/security/page";
import { passPasswordStep, quietAuthErrors, signInFully } from "@/__tests__/kit/attacker";
import { freshAddress, freshContext } from "@/__tests__/kit/account-codes";
import { Browser } from "@/__tests__/kit/browsers";
import { freshIp } from "@/__tests__/kit/names";
import { watchOutbox, type OutboxMail } from "@/__tests__/kit/outbox";
import { form, runAction } from "@/__tests__/kit/request-scope";
import { createEnrolledUser, rowCounts, type TestUser } from "@/__tests__/kit/users";
import { subject as emailChangeCodeSubject } from "@/emails/email-change-code";
import { subject as emailChangedSubject } from "@/emails/email-changed";
import { subject as recoveryCodeUsedSubject } from "@/emails/recovery-code-used";
import { subject as signInCodeSubject } from "@/emails/sign-in-code";
import { subject as verificationCodeSubject } from "@/emails/verify-email-code";
import { verifyEmailCode } from "@/lib/server/accounts/email-verification";
import { sendSignInCode } from "@/lib/server/factors/email-sign-in";
import { noticeEmailChanged } from "@/lib/server/mail/senders";
import { db } from "@/lib/server/platform/db";
import { accountCodeKeys } from "@/lib/server/policy";
import { getPendingChallenge } from "@/lib/server/sign-in/challenge";

// The Email section of /settings/security, through real sessions: the change
// needs the password and a current factor, its code goes to the new address
// only, and the address changes only when the code comes back (here
// verifyEmailCode, which /verify-email calls).
jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);
jest.mock("next/cache", () => ({ revalidatePath: jest.fn() }));
// next/server's after(): outside a request it throws and afterResponse runs
// the task inline; a test that sets mockAfterResponse keeps the tasks, as a
// response would, to run them once the action has answered.
let mockAfterResponse: (() => Promise<unknown>)[] | null = null;
jest.mock("next/server", () => ({
  ...jest.requireActual("next/server"),
  after: (task: () => Promise<unknown>) => {
    if (!mockAfterResponse) throw new Error("after() outside a request");
    mockAfterResponse.push(task);
  },
}));
quietAuthErrors();
afterEach(() => {
  mockAfterResponse = null;
});

const CODE_LINE = /^([A-Z2-9]{8})$/m;
const TO_VERIFY_CHANGE = "/verify-email?purpose=change_email";

async function signedIn(): Promise<{ user: TestUser; browser: Browser }> {
  const user = await createEnrolledUser();
  const browser = new Browser(freshIp());
  await signInFully(browser, user);
  return { user, browser };
}

const changeEmail = (browser: Browser, fields: Record<string, string | Blob>) =>
  browser.run(() => runAction(() => changeEmailAction({}, form(fields))));

// A right re-authentication: password and an unused recovery code (the
// sign-in spent this time step of the app).
const reauth = (user: TestUser, index = 0) => ({ password: user.password, code: user.recoveryCodes[index] });

const emailOf = async (userId: string) =>
  (await db.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true } })).email;

// What the action sent, without the notice of the recovery code reauth() spent.
function watchSent(): () => OutboxMail[] {
  const written = watchOutbox();
  return () => written().filter((mail) => mail.subject !== recoveryCodeUsedSubject);
}

const codeIn = (mail: OutboxMail | undefined): string => {
  const code = CODE_LINE.exec(mail?.text ?? "")?.[1];
  if (!code) throw new Error("no code line in the email");
  return code;
};

type AnyPage = (props: { searchParams: Promise<Record<string, string>> }) => Promise<ReactElement>;
const settingsPage = (browser: Browser) =>
  browser.run(async () =>
    renderToStaticMarkup(await (SecuritySettingsPage as AnyPage)({ searchParams: Promise.resolve({}) })),
  );

describe("changing the email address in settings", () => {
  it("sends the code to the new address only, and changes the address only when the code comes back", async () => {
    const { user, browser } = await signedIn();
    const newEmail = freshAddress();
    const written = watchSent();

    const done = await changeEmail(browser, { newEmail, ...reauth(user) });
    expect(done.redirectedTo).toBe(TO_VERIFY_CHANGE);
    const mails = written();
    expect(mails.map((mail) => [mail.to, mail.subject])).toEqual([[newEmail, emailChangeCodeSubject]]);
    const code = codeIn(mails[0]);
    expect(mails[0]?.text).toContain(`/verify-email?account=${user.id}&code=${code}&purpose=change_email`);
    expect(await emailOf(user.id)).toBe(user.email);
    expect(await settingsPage(browser)).toContain(`A change to ${newEmail[0]}***@example.test is waiting`);

    const context = freshContext();
    const verdict = await verifyEmailCode(user.id, "change_email", code, context);
    expect(verdict).toEqual({ ok: true, email: newEmail, previousEmail: user.email });
    expect(await emailOf(user.id)).toBe(newEmail);
  });

  it("answers before the code is sent, so that a taken address, which gets none, answers as fast", async () => {
    const { user, browser } = await signedIn();
    const other = await createEnrolledUser();
    const answers: Record<string, { redirectedTo?: string; mails: string[] }> = {};
    for (const [kind, newEmail, index] of [
      ["free", freshAddress(), 0],
      ["taken", other.email, 1],
    ] as const) {
      mockAfterResponse = [];
      const written = watchSent();
      const { redirectedTo } = await changeEmail(browser, { newEmail, ...reauth(user, index) });
      expect(written()).toEqual([]);
      for (const task of mockAfterResponse) await task();
      mockAfterResponse = null;
      answers[kind] = { redirectedTo, mails: written().map((mail) => mail.to) };
    }
    expect(answers.free?.redirectedTo).toBe(TO_VERIFY_CHANGE);
    expect(answers.taken?.redirectedTo).toBe(TO_VERIFY_CHANGE);
    expect(answers.free?.mails).toHaveLength(1);
    expect(answers.taken?.mails).toEqual([]);
  });

  it("records the request as a security event, with the new address masked", async () => {
    const { user, browser } = await signedIn();
    const newEmail = freshAddress();
    await changeEmail(browser, { newEmail, ...reauth(user) });
    const event = await db.securityEvent.findFirstOrThrow({
      where: { userId: user.id, type: "email_change_requested" },
    });
    expect(event.detail).toBe(`${newEmail[0]}***@example.test`);
    expect(event.ip).toBe(browser.ip);
  });

  it("tells the old address once the change took effect, with the new address masked", async () => {
    const { user, browser } = await signedIn();
    const newEmail = freshAddress();
    const written = watchSent();
    await changeEmail(browser, { newEmail, ...reauth(user) });
    const context = freshContext();
    const verdict = await verifyEmailCode(user.id, "change_email", codeIn(written()[0]), context);
    if (!verdict.ok) throw new Error(verdict.reason);
    const afterConfirm = watchSent();
    await noticeEmailChanged(
      { username: user.username, previousEmail: user.email, email: verdict.email },
      context,
    );
    const [notice, ...others] = afterConfirm();
    expect(others).toEqual([]);
    expect(notice?.to).toBe(user.email);
    expect(notice?.subject).toBe(emailChangedSubject);
    expect(notice?.text).toMatch(new RegExp(`^New address: ${newEmail[0]}\\*\\*\\*@example\\.test$`, "m"));
    expect(notice?.text).not.toContain(newEmail);
  });

  it.each([
    ["a wrong password", (user: TestUser) => ({ password: "not the password", code: user.recoveryCodes[0] })],
    ["a wrong code", (user: TestUser) => ({ password: user.password, code: "000000" })],
    ["no code", (user: TestUser) => ({ password: user.password, code: "" })],
  ])("refuses %s: nothing sent, no code stored, the address kept", async (_, fields) => {
    const { user, browser } = await signedIn();
    const written = watchSent();
    const { result, redirectedTo } = await changeEmail(browser, {
      newEmail: freshAddress(),
      ...fields(user),
    });
    expect(redirectedTo).toBeUndefined();
    expect(Object.keys(result?.errors ?? {}).length).toBeGreaterThan(0);
    expect(written()).toEqual([]);
    expect(await db.accountCode.count({ where: { userId: user.id } })).toBe(0);
    expect(await emailOf(user.id)).toBe(user.email);
  });

  it("refuses the account's own address next to the field, before any code is spent", async () => {
    const { user, browser } = await signedIn();
    const { result } = await changeEmail(browser, { newEmail: user.email.toUpperCase(), ...reauth(user) });
    expect(result?.errors?.newEmail).toEqual(["This is already your email address."]);
    expect(await db.recoveryCode.count({ where: { userId: user.id, usedAt: null } })).toBe(10);
  });

  it("answers an address another account holds like a sent code, sends nothing, and counts the send", async () => {
    const { user, browser } = await signedIn();
    const other = await createEnrolledUser();
    const written = watchSent();
    const taken = await changeEmail(browser, { newEmail: other.email, ...reauth(user, 0) });
    expect(taken.redirectedTo).toBe(TO_VERIFY_CHANGE);
    expect(written()).toEqual([]);
    // Stored like any change, so that the pages and a newer change behave the same.
    const row = await db.accountCode.findFirstOrThrow({
      where: { userId: user.id, purpose: "change_email" },
    });
    expect(row.email).toBe(other.email);
    const sends = await db.rateLimit.findUniqueOrThrow({
      where: { key: accountCodeKeys.sendsPerAccount(user.id) },
    });
    expect(sends.count).toBe(1);
    expect(await emailOf(user.id)).toBe(user.email);
    expect(await emailOf(other.id)).toBe(other.email);
  });

  it("says when to try again after 3 codes in 15 minutes, and sends no fourth", async () => {
    const { user, browser } = await signedIn();
    for (const index of [0, 1, 2]) {
      const { redirectedTo } = await changeEmail(browser, {
        newEmail: freshAddress(),
        ...reauth(user, index),
      });
      expect(redirectedTo).toBe(TO_VERIFY_CHANGE);
    }
    const written = watchSent();
    const { result } = await changeEmail(browser, { newEmail: freshAddress(), ...reauth(user, 3) });
    expect(result?.message).toMatch(/^Too many attempts\. Try again in \d+ minutes?\.$/);
    expect(written()).toEqual([]);
  });

  it.each([
    ["no fields", {}],
    ["files", { newEmail: new Blob(["a@b.c"]), password: new Blob(["p"]), code: new Blob(["c"]) }],
    ["10,000-character strings", { newEmail: `${"a".repeat(10_000)}@x.test`, password: "p", code: "1" }],
    ["an address that is not one", { newEmail: "not an address", password: "p", code: "123456" }],
  ])("refuses bad input (%s) with field errors, writing nothing", async (_, fields) => {
    const { user, browser } = await signedIn();
    const before = await rowCounts();
    const { result } = await changeEmail(browser, fields);
    expect(Object.keys(result?.errors ?? {}).length).toBeGreaterThan(0);
    expect(await rowCounts()).toEqual(before);
    expect(await db.accountCode.count({ where: { userId: user.id } })).toBe(0);
  });

  it("sends an email user's sign-in codes to the old address until the new one is confirmed", async () => {
    const user = await createEnrolledUser();
    await db.user.update({ where: { id: user.id }, data: { twoFactorMethod: "email" } });
    const browser = new Browser(freshIp());
    await passPasswordStep(browser, user);
    const signInCodeTo = async (): Promise<string | undefined> => {
      const written = watchSent();
      const challenge = await browser.run(() => getPendingChallenge("signin"));
      if (!challenge) throw new Error("no pending sign-in");
      expect(await sendSignInCode(challenge)).toEqual({ ok: true });
      const [mail] = written();
      expect(mail?.subject).toBe(signInCodeSubject);
      return mail?.to;
    };

    // Signed in elsewhere with a recovery code, to change the address there.
    const settings = new Browser(freshIp());
    await passPasswordStep(settings, user);
    const signIn = await settings.run(() =>
      runAction(() => verifyAction({}, form({ method: "recovery", code: user.recoveryCodes[9] }))),
    );
    expect(signIn.redirectedTo).toBe("/dashboard");
    const newEmail = freshAddress();
    const written = watchSent();
    const started = await changeEmail(settings, { newEmail, ...reauth(user) });
    expect(started.redirectedTo).toBe(TO_VERIFY_CHANGE);
    const code = codeIn(written()[0]);

    expect(await signInCodeTo()).toBe(user.email);
    expect(await verifyEmailCode(user.id, "change_email", code, freshContext())).toMatchObject({ ok: true });
    expect(await signInCodeTo()).toBe(newEmail);
  });
});

describe("an account from before verification", () => {
  const PROMPT = "Your email address is not verified";

  it("is asked to verify on the settings page, which says a reset needs a verified address", async () => {
    const { browser } = await signedIn();
    const html = await settingsPage(browser);
    expect(html).toContain(PROMPT);
    expect(html).toContain("A password reset needs a verified address");
    expect(html).toMatch(/<button[^>]*type="submit"[^>]*>Verify email address<\/button>/);
    expect(html).toContain("Not verified");
  });

  it("is not asked once its address is verified", async () => {
    const { user, browser } = await signedIn();
    await db.user.update({ where: { id: user.id }, data: { emailVerifiedAt: new Date() } });
    const html = await settingsPage(browser);
    expect(html).not.toContain(PROMPT);
    expect(html).not.toContain("Verify email address");
    expect(html).toContain("Verified");
    expect(html).toContain(user.email);
  });

  it("gets a code at its address from the button, goes to /verify-email, and the code verifies it", async () => {
    const { user, browser } = await signedIn();
    const written = watchSent();
    const sent = await browser.run(() => runAction(() => sendVerificationCodeAction()));
    expect(sent.redirectedTo).toBe("/verify-email");
    const mails = written();
    expect(mails.map((mail) => [mail.to, mail.subject])).toEqual([[user.email, verificationCodeSubject]]);
    const verdict = await verifyEmailCode(user.id, "verify_email", codeIn(mails[0]), freshContext());
    expect(verdict).toEqual({ ok: true, email: user.email });
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.emailVerifiedAt).not.toBeNull();
    expect(await db.securityEvent.count({ where: { userId: user.id, type: "email_verified" } })).toBe(1);
  });

  it("sends nothing to an account that is already verified", async () => {
    const { user, browser } = await signedIn();
    await db.user.update({ where: { id: user.id }, data: { emailVerifiedAt: new Date() } });
    const written = watchSent();
    const { result } = await browser.run(() => runAction(() => sendVerificationCodeAction()));
    expect(result?.message).toBe("Your email address is already verified.");
    expect(written()).toEqual([]);
  });

  it("says when to try again after 3 codes in 15 minutes", async () => {
    const { browser } = await signedIn();
    for (let i = 0; i < 3; i++) {
      expect((await browser.run(() => runAction(() => sendVerificationCodeAction()))).redirectedTo).toBe(
        "/verify-email",
      );
    }
    const { result } = await browser.run(() => runAction(() => sendVerificationCodeAction()));
    expect(result?.message).toMatch(/^Too many attempts\. Try again in \d+ minutes?\.$/);
  });
});
