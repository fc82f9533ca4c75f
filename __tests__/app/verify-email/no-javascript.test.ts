/** @jest-environment node */
import path from "node:path";
import { openFreshDatabase } from "@/__tests__/attacks/fuzz-kit";
import { createAccount, verificationCodeIn } from "@/__tests__/kit/account-codes";
import { getPage, newBrowser, submitForm, type Browser } from "@/__tests__/kit/forms";
import { freshIp, uniqueName } from "@/__tests__/kit/names";
import { startTestApp, type AppServer } from "@/__tests__/kit/next-server";
import { watchOutbox } from "@/__tests__/kit/outbox";
import { db } from "@/lib/server/platform/db";

// /verify-email as a browser without JavaScript sees it, against `next start`.
const databaseUrl = openFreshDatabase("verify-email-no-js");
const outbox = path.join(process.env.JEST_RUN_DIR as string, "outbox-verify-email-no-js");
jest.setTimeout(600_000);

let app: AppServer;

beforeAll(async () => {
  app = await startTestApp({ databaseUrl, outbox: "outbox-verify-email-no-js" });
});

afterAll(async () => {
  await app?.stop();
});

async function register(browser: Browser, email: string) {
  const sent = watchOutbox(outbox);
  const answer = await submitForm(browser, "/register", 'name="username"', {
    username: uniqueName("nojs"),
    email,
    password: "a long enough passphrase",
  });
  return { answer, mails: sent() };
}

// What the page shows (the body up to React's scripts, whose payload
// streams in no fixed order), without per-request values and the address.
function steady(html: string, email: string): string {
  const body = html.slice(html.indexOf("<body"));
  return body
    .slice(0, body.indexOf("<script"))
    .replace(/\$ACTION_[^"]*/g, "ACTION")
    .replace(/value="[^"]*"/g, 'value="VALUE"')
    .replaceAll(email, "EMAIL");
}

describe("/verify-email without JavaScript", () => {
  it("opens the emailed link with the code filled in, verifying nothing until Verify email is pressed", async () => {
    const email = `${uniqueName("link")}@example.test`;
    const { answer, mails } = await register(newBrowser(app.origin, freshIp()), email);
    expect(answer.location).toBe("/verify-email");
    const code = verificationCodeIn(mails[0].text);
    const link = new URL(/https?:\/\/\S+\/verify-email\?\S+/.exec(mails[0].text)![0]);
    expect(link.searchParams.get("code")).toBe(code);

    // Another browser (a phone, or a mail scanner) opens the link.
    const phone = newBrowser(app.origin, freshIp());
    const opened = await getPage(phone, `${link.pathname}${link.search}`);
    expect(opened.status).toBe(200);
    expect(opened.html).toContain(`value="${code}"`);
    expect((await db.user.findUniqueOrThrow({ where: { email } })).emailVerifiedAt).toBeNull();

    const pressed = await submitForm(phone, `${link.pathname}${link.search}`, 'name="code"', { code });
    expect(pressed.location).toBe("/verify-email?done=verified");
    expect((await db.user.findUniqueOrThrow({ where: { email } })).emailVerifiedAt).not.toBeNull();
  });

  it("shows a taken address's step exactly as a new address's, and sends its /setup-2fa back to it", async () => {
    const owner = await createAccount();
    const fresh = `${uniqueName("fresh")}@example.test`;
    const [taken, created] = [newBrowser(app.origin, freshIp()), newBrowser(app.origin, freshIp())];
    const answers = [await register(taken, owner.email), await register(created, fresh)];
    expect(answers.map(({ answer }) => [answer.status, answer.location])).toEqual([
      [303, "/verify-email"],
      [303, "/verify-email"],
    ]);
    expect([...taken.cookies.keys()].sort()).toEqual([...created.cookies.keys()].sort());
    const pages = [await getPage(taken, "/verify-email"), await getPage(created, "/verify-email")];
    expect(pages[0].html).toContain(owner.email);
    expect(steady(pages[0].html, owner.email)).toEqual(steady(pages[1].html, fresh));
    const wrong = [
      await submitForm(taken, "/verify-email", 'name="code"', { code: "ABCDEFGH" }),
      await submitForm(created, "/verify-email", 'name="code"', { code: "ABCDEFGH" }),
    ];
    expect(wrong[0].html).toContain("4 tries left");
    expect(steady(wrong[0].html, owner.email)).toEqual(steady(wrong[1].html, fresh));
    const setup = [await getPage(taken, "/setup-2fa"), await getPage(created, "/setup-2fa")];
    expect(setup.map(({ status, location }) => [status, location])).toEqual([
      [307, "/verify-email"],
      [307, "/verify-email"],
    ]);
  });
});
