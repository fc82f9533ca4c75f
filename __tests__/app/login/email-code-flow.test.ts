/** @jest-environment node */
import { loginAction } from "@/app/login/actions";
import { sendEmailCodeAction, verifyAction } from "@/app/login/verify/actions";
import { registerAction } from "@/app/register/actions";
import { markEmailVerified } from "@/__tests__/kit/account-codes";
import {
  confirmEmailSetupAction,
  continueAfterSetupAction,
  sendSetupEmailCodeAction,
} from "@/app/setup-2fa/actions";
import { browser, form, runAction } from "@/__tests__/kit/request-scope";
import { startSmtpServer, type Received, type TestServer } from "@/__tests__/kit/smtp-server";
import { createEnrolledUser, uniqueName, type TestUser } from "@/__tests__/kit/users";
import { getPendingChallenge } from "@/lib/server/sign-in/challenge";
import { db } from "@/lib/server/platform/db";
import { getShownRecoveryCodes } from "@/lib/server/factors/enrolment";
import { freshIp } from "@/__tests__/kit/names";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/request-scope").nextHeaders);
// revalidatePath needs Next's request store, which jest has not: the browser suite sees its effect.
jest.mock("next/cache", () => ({ revalidatePath: jest.fn() }));

let smtp: TestServer;

beforeAll(async () => {
  smtp = await startSmtpServer();
  // Read on first use of the environment, which no test has made yet.
  process.env.SMTP_URL = `smtp://127.0.0.1:${smtp.port}/?ignoreTLS=true`;
});
afterAll(() => smtp.close());

const codeIn = (message: Received): string => /\b(\d{6})\b/.exec(message.mail.text ?? "")?.[1] ?? "";
const sendCode = () => runAction(() => sendEmailCodeAction({}, form({ callbackUrl: "/dashboard" })));
const verifyEmail = (code: string) => runAction(() => verifyAction({}, form({ method: "email", code })));
const hasSession = () => [...browser.cookies.keys()].some((name) => name.includes("session-token"));

async function passPasswordStep(user: TestUser): Promise<void> {
  browser.reset(freshIp());
  const { redirectedTo } = await runAction(() =>
    loginAction({}, form({ identifier: user.username, password: user.password })),
  );
  expect(redirectedTo).toMatch(/^\/login\/verify/);
}

describe("signing in with an emailed code", () => {
  it("emails a code through SMTP that completes the sign-in, then a new-sign-in notice", async () => {
    const user = await createEnrolledUser();
    await passPasswordStep(user);
    const arriving = smtp.next();
    expect((await sendCode()).redirectedTo).toBe(
      "/login/verify?method=email&sent=1&callbackUrl=%2Fdashboard",
    );
    const mail = await arriving;
    expect(mail.envelope.to).toEqual([user.email]);
    expect(mail.mail.subject).toBe("Your sign-in code");
    const code = codeIn(mail);
    expect(code).toMatch(/^\d{6}$/);
    expect(JSON.stringify(mail.mail.headerLines)).not.toContain(code);

    const notice = smtp.next();
    expect((await verifyEmail(code)).redirectedTo).toBe("/dashboard");
    expect(hasSession()).toBe(true);
    expect((await notice).mail.subject).toBe("New sign-in to your account");
  });

  it("keeps the failure count when a new code replaces the old one", async () => {
    const user = await createEnrolledUser();
    await passPasswordStep(user);
    let arriving = smtp.next();
    await sendCode();
    const first = codeIn(await arriving);
    const wrong = String((Number(first) + 1) % 1_000_000).padStart(6, "0");
    expect((await verifyEmail(wrong)).result?.message).toBe("4 tries left before you need to sign in again.");
    arriving = smtp.next();
    await sendCode();
    const second = codeIn(await arriving);
    if (second !== first) expect((await verifyEmail(first)).result?.errors?.code?.[0]).toMatch(/replaced/);
    const { result } = await verifyEmail(wrong === second ? first : wrong);
    expect(result?.message).toMatch(/^[23] tries left/);
    expect((await verifyEmail(second)).redirectedTo).toBe("/dashboard");
  });

  it("sends at most 3 codes per 15 minutes per account", async () => {
    const user = await createEnrolledUser();
    await passPasswordStep(user);
    for (let i = 0; i < 3; i++) {
      const arriving = smtp.next();
      expect((await sendCode()).redirectedTo).toMatch(/sent=1/);
      await arriving;
    }
    expect((await sendCode()).result?.message).toMatch(/^Too many attempts. Try again in 1[45] minutes\.$/);
  });

  it("survives a mail server that is down: a clear error, the sign-in kept, a retry that works", async () => {
    const user = await createEnrolledUser();
    await passPasswordStep(user);
    await smtp.close();
    const failed = await sendCode();
    expect(failed.result?.message).toBe(
      "We could not send the email. Check your connection and try again in a moment.",
    );
    expect(await getPendingChallenge("signin")).not.toBeNull();

    smtp = await startSmtpServer(smtp.port);
    const arriving = smtp.next();
    expect((await sendCode()).redirectedTo).toMatch(/sent=1/);
    expect((await verifyEmail(codeIn(await arriving))).redirectedTo).toBe("/dashboard");
  });
});

describe("choosing emailed codes at enrolment", () => {
  it("confirms the address with a first code, then shows recovery codes and signs in", async () => {
    browser.reset(freshIp());
    const name = uniqueName("mail");
    await runAction(() =>
      registerAction(
        {},
        form({ username: name, email: `${name}@example.test`, password: "a long enough passphrase" }),
      ),
    );
    // The verification code went first (__tests__/app/verify-email covers it); the address is taken as proven.
    await markEmailVerified(name);
    const arriving = smtp.next();
    expect((await runAction(() => sendSetupEmailCodeAction())).redirectedTo).toBe(
      "/setup-2fa?method=email&sent=1",
    );
    const code = codeIn(await arriving);
    const { redirectedTo } = await runAction(() => confirmEmailSetupAction({}, form({ code })));
    expect(redirectedTo).toBe("/setup-2fa");
    const challenge = await getPendingChallenge("enrol");
    expect(await getShownRecoveryCodes(challenge!.id)).toHaveLength(10);
    const user = await db.user.findUniqueOrThrow({ where: { username: name } });
    expect(user.twoFactorMethod).toBe("email");
    expect((await runAction(() => continueAfterSetupAction())).redirectedTo).toBe("/dashboard");
    expect(hasSession()).toBe(true);
  });
});
