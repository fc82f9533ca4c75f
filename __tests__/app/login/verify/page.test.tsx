/** @jest-environment node */
import { renderToStaticMarkup } from "react-dom/server";
import { loginAction } from "@/app/login/actions";
import VerifyPage from "@/app/login/verify/page";
import { browser, form, runAction } from "@/__tests__/kit/request-scope";
import { startSmtpServer, type TestServer } from "@/__tests__/kit/smtp-server";
import { createEnrolledUser, type TestUser } from "@/__tests__/kit/users";
import { db } from "@/lib/server/platform/db";
import { freshIp } from "@/__tests__/kit/names";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/request-scope").nextHeaders);

let smtp: TestServer;

beforeAll(async () => {
  smtp = await startSmtpServer();
  process.env.SMTP_URL = `smtp://127.0.0.1:${smtp.port}/?ignoreTLS=true`;
});
afterAll(() => smtp.close());

async function emailUser(): Promise<TestUser> {
  const user = await createEnrolledUser();
  await db.user.update({ where: { id: user.id }, data: { twoFactorMethod: "email" } });
  return user;
}

async function passPasswordStep(user: TestUser): Promise<void> {
  browser.reset(freshIp());
  const { redirectedTo } = await runAction(() =>
    loginAction({}, form({ identifier: user.username, password: user.password })),
  );
  expect(redirectedTo).toMatch(/^\/login\/verify/);
}

// Loads /login/verify as the browser would (a GET: server render only).
async function loadVerifyPage(params: Record<string, string> = {}): Promise<string> {
  return renderToStaticMarkup(await VerifyPage({ searchParams: Promise.resolve(params) }));
}

const sentTo = (user: TestUser) => smtp.received.filter((mail) => mail.envelope.to.includes(user.email));
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe("/login/verify for an email-factor user", () => {
  it("sends the code on arrival, says so, and asks for it", async () => {
    const user = await emailUser();
    await passPasswordStep(user);
    const arriving = smtp.next();
    const html = await loadVerifyPage();
    expect((await arriving).mail.subject).toBe("Your sign-in code");
    expect(html).toContain(`We sent a code to ${user.email.slice(0, 1)}***@`);
    expect(html).toContain("Code from the email");
    expect(html).toContain("Send a new code");
  });

  it("sends once per sign-in, however often the page is loaded (reloads, prefetches)", async () => {
    const user = await emailUser();
    await passPasswordStep(user);
    await Promise.all([loadVerifyPage(), loadVerifyPage(), loadVerifyPage()]);
    await loadVerifyPage({ method: "email" });
    await settle();
    expect(sentTo(user)).toHaveLength(1);
    expect(await db.emailCode.count({ where: { userId: user.id } })).toBe(1);

    // A new sign-in is a new challenge: it gets its own code.
    await passPasswordStep(user);
    await loadVerifyPage();
    await settle();
    expect(sentTo(user)).toHaveLength(2);
  });

  it("stays within the account's 3 sends per 15 minutes, and says when to try again", async () => {
    const user = await emailUser();
    for (let i = 0; i < 3; i++) {
      await passPasswordStep(user);
      await loadVerifyPage();
    }
    await passPasswordStep(user);
    const html = await loadVerifyPage();
    await settle();
    expect(sentTo(user)).toHaveLength(3);
    expect(html).toMatch(/Too many attempts. Try again in 1[45] minutes\./);
    expect(html).toContain("Email me a code");
  });

  it("sends nothing to an authenticator user, nor when a recovery code is chosen", async () => {
    const user = await createEnrolledUser();
    await passPasswordStep(user);
    await loadVerifyPage();
    await loadVerifyPage({ method: "email" });
    const emailer = await emailUser();
    await passPasswordStep(emailer);
    await loadVerifyPage({ method: "recovery" });
    await settle();
    expect(sentTo(user)).toHaveLength(0);
    expect(sentTo(emailer)).toHaveLength(0);
  });
});
