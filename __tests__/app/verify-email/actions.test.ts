/** @jest-environment node */
import { loginAction } from "@/app/login/actions";
import { registerAction } from "@/app/register/actions";
import { confirmSetupAction, sendSetupEmailCodeAction } from "@/app/setup-2fa/actions";
import { resendVerificationAction, verifyEmailAction } from "@/app/verify-email/actions";
import { markEmailVerified, verificationCodeIn, wrongCodeFor } from "@/__tests__/kit/account-codes";
import { freshIp, uniqueName } from "@/__tests__/kit/names";
import { watchOutbox } from "@/__tests__/kit/outbox";
import { browser, form, runAction } from "@/__tests__/kit/request-scope";
import { db } from "@/lib/server/platform/db";
import { startEmailChange } from "@/lib/server/accounts/email-change";
import { signInFully } from "@/__tests__/kit/attacker";
import { Browser } from "@/__tests__/kit/browsers";
import { createEnrolledUser } from "@/__tests__/kit/users";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/request-scope").nextHeaders);
jest.mock("next/cache", () => ({ revalidatePath: jest.fn() }));

const PASSWORD = "a long enough passphrase";

// Registers from a fresh browser; the code and link of the email it sent.
async function registered(email?: string) {
  browser.reset(freshIp());
  const username = uniqueName("ver");
  const address = email ?? `${username}@example.test`;
  const sent = watchOutbox();
  const { redirectedTo } = await runAction(() =>
    registerAction({}, form({ username, email: address, password: PASSWORD })),
  );
  expect(redirectedTo).toBe("/verify-email");
  const mails = sent();
  const user = await db.user.findUnique({ where: { username } });
  const codeMail = mails.find((mail) => mail.subject === "Confirm your email address");
  return { username, address, user, mails, code: codeMail ? verificationCodeIn(codeMail.text) : "" };
}

const verify = (fields: Record<string, string>) => runAction(() => verifyEmailAction({}, form(fields)));
const resend = () => runAction(() => resendVerificationAction({}, form({})));
const wrongCode = (triesLeft: number) =>
  `That code is not right. ${triesLeft} ${triesLeft === 1 ? "try" : "tries"} left before it stops working.`;

describe("verifyEmailAction for a registration", () => {
  it("verifies the address with the right code and goes on to /setup-2fa", async () => {
    const { user, code } = await registered();
    expect((await verify({ code: code.toLowerCase() })).redirectedTo).toBe("/setup-2fa");
    const after = await db.user.findUniqueOrThrow({ where: { id: user!.id } });
    expect(after.emailVerifiedAt).not.toBeNull();
    expect(await db.securityEvent.count({ where: { userId: user!.id, type: "email_verified" } })).toBe(1);
  });

  it("says how many tries are left after a wrong code, and voids the code at the fifth", async () => {
    const { user, code } = await registered();
    for (let left = 4; left >= 1; left--) {
      expect((await verify({ code: wrongCodeFor(code) })).result).toEqual({
        errors: { code: [wrongCode(left)] },
      });
    }
    const voided = "That code no longer works after 5 wrong tries. Send a new code.";
    expect((await verify({ code: wrongCodeFor(code) })).result).toEqual({ errors: { code: [voided] } });
    expect((await verify({ code })).result).toEqual({ errors: { code: [voided] } });
    expect((await db.user.findUniqueOrThrow({ where: { id: user!.id } })).emailVerifiedAt).toBeNull();
  });

  it("says an expired code has expired, and a new one works", async () => {
    const { user, code } = await registered();
    await db.accountCode.updateMany({
      where: { userId: user!.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect((await verify({ code })).result).toEqual({
      errors: { code: ["That code has expired. Send a new code."] },
    });
    const sent = watchOutbox();
    expect((await resend()).result).toMatchObject({ sent: true });
    const fresh = verificationCodeIn(sent()[0].text);
    expect((await verify({ code: fresh })).redirectedTo).toBe("/setup-2fa");
  });

  it("sends at most 3 codes per 15 minutes per account, the registration's included, and says when to retry", async () => {
    const { address } = await registered();
    const sent = watchOutbox();
    expect((await resend()).result).toEqual({
      sent: true,
      message: `We sent a new code to ${address}. It is valid for 15 minutes.`,
    });
    expect((await resend()).result).toMatchObject({ sent: true });
    expect((await resend()).result).toEqual({ message: "Too many attempts. Try again in 15 minutes." });
    expect(sent()).toHaveLength(2);
  });

  it("refuses garbage with a field error, spending no try", async () => {
    const { code } = await registered();
    expect((await verify({ code: "not a code at all" })).result).toEqual({
      errors: { code: ["Enter the 8-character code from the email"] },
    });
    expect((await verify({ code: wrongCodeFor(code) })).result).toEqual({ errors: { code: [wrongCode(4)] } });
  });

  it("verifies from the emailed link in a browser that did not register (the account it names)", async () => {
    const { user, code } = await registered();
    browser.reset(freshIp());
    expect((await verify({ code, account: user!.id })).redirectedTo).toBe("/verify-email?done=verified");
    expect((await db.user.findUniqueOrThrow({ where: { id: user!.id } })).emailVerifiedAt).not.toBeNull();
  });

  it("answers a browser with nothing to verify with a message", async () => {
    browser.reset(freshIp());
    expect((await verify({ code: "ABCDEFGH" })).result).toEqual({
      message: "There is nothing to verify in this browser. Sign in to continue.",
    });
  });
});

describe("the decoy step of a taken address", () => {
  it("answers every code as wrong, counting down to void, and resends within the same limits", async () => {
    const owner = await registered();
    await markEmailVerified(owner.username);
    const { user, mails } = await registered(owner.address);
    expect(user).toBeNull();
    expect(mails.map((mail) => mail.to)).toEqual([owner.address]);
    for (let left = 4; left >= 1; left--) {
      expect((await verify({ code: owner.code })).result).toEqual({ errors: { code: [wrongCode(left)] } });
    }
    expect((await verify({ code: owner.code })).result).toEqual({
      errors: { code: ["That code no longer works after 5 wrong tries. Send a new code."] },
    });
    expect((await resend()).result).toEqual({
      sent: true,
      message: `We sent a new code to ${owner.address}. It is valid for 15 minutes.`,
    });
    expect((await verify({ code: owner.code })).result).toEqual({ errors: { code: [wrongCode(4)] } });
    expect((await resend()).result).toMatchObject({ sent: true });
    expect((await resend()).result).toEqual({ message: "Too many attempts. Try again in 15 minutes." });
  });
});

describe("an unverified account reaches nothing but /verify-email", () => {
  it("is sent from the setup actions to /verify-email", async () => {
    await registered();
    expect((await runAction(() => confirmSetupAction({}, form({ code: "123456" })))).redirectedTo).toBe(
      "/verify-email",
    );
    expect((await runAction(() => sendSetupEmailCodeAction())).redirectedTo).toBe("/verify-email");
  });

  it("goes to /verify-email after its right password, and to /setup-2fa once verified", async () => {
    const { username, code } = await registered();
    browser.reset(freshIp());
    const login = () => runAction(() => loginAction({}, form({ identifier: username, password: PASSWORD })));
    expect((await login()).redirectedTo).toBe("/verify-email");
    expect((await verify({ code })).redirectedTo).toBe("/setup-2fa");
    browser.reset(freshIp());
    expect((await login()).redirectedTo).toBe("/setup-2fa");
  });

  it("is sent nothing but verification codes before it is verified", async () => {
    const sent = watchOutbox();
    const { username } = await registered();
    browser.reset(freshIp());
    await runAction(() => loginAction({}, form({ identifier: username, password: PASSWORD })));
    await runAction(() => sendSetupEmailCodeAction());
    await resend();
    expect(new Set(sent().map((mail) => mail.subject))).toEqual(new Set(["Confirm your email address"]));
  });
});

describe("verifyEmailAction for a signed-in user", () => {
  it("verifies a legacy account's address with a code it asked for, signed in", async () => {
    const user = await createEnrolledUser();
    const visitor = new Browser(freshIp());
    await signInFully(visitor, user);
    const sent = watchOutbox();
    const asked = await visitor.run(() => runAction(() => resendVerificationAction({}, form({}))));
    expect(asked.result).toEqual({
      sent: true,
      message: `We sent a new code to ${user.email}. It is valid for 15 minutes.`,
    });
    const code = verificationCodeIn(sent()[0].text);
    const done = await visitor.run(() => runAction(() => verifyEmailAction({}, form({ code }))));
    expect(done.redirectedTo).toBe("/verify-email?done=verified");
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).emailVerifiedAt).not.toBeNull();
  });

  it("confirms an email change with purpose=change_email, and refuses a wrong code with tries left", async () => {
    const user = await createEnrolledUser();
    const visitor = new Browser(freshIp());
    await signInFully(visitor, user);
    const newEmail = `${uniqueName("new")}@example.test`;
    const started = await startEmailChange(user.id, newEmail, freshIp());
    if (!started.ok) throw new Error("could not start the change");
    const post = (code: string) =>
      visitor.run(() => runAction(() => verifyEmailAction({}, form({ code, purpose: "change_email" }))));
    expect((await post(wrongCodeFor(started.code))).result).toEqual({ errors: { code: [wrongCode(4)] } });
    expect((await post(started.code)).redirectedTo).toBe("/verify-email?done=changed");
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).email).toBe(newEmail);
  });
});
