/** @jest-environment node */
import { decodeEntities, getPage, newBrowser, submitForm, type Browser } from "@/__tests__/kit/forms";
import { startTestApp, type AppServer } from "@/__tests__/kit/next-server";
import { currentCode, uniqueName } from "@/__tests__/kit/users";
import { openFreshDatabase } from "@/__tests__/attacks/fuzz-kit";
import { freshIp } from "@/__tests__/kit/names";
import { verificationCodeIn } from "@/__tests__/kit/account-codes";
import { watchOutbox } from "@/__tests__/kit/outbox";
import path from "node:path";

// Enrolment as a browser without JavaScript does it, against a real `next
// start`: plain form posts, and only what the server rendered.
const databaseUrl = openFreshDatabase("setup-no-js");
jest.setTimeout(600_000);

let app: AppServer;
const outbox = path.join(process.env.JEST_RUN_DIR as string, "outbox-setup-no-js");

beforeAll(async () => {
  app = await startTestApp({ databaseUrl, outbox: "outbox-setup-no-js" });
});

afterAll(async () => {
  await app?.stop();
});

async function registered(): Promise<{ browser: Browser; username: string; secret: string }> {
  const browser = newBrowser(app.origin, freshIp());
  const username = uniqueName("nojs");
  const sent = watchOutbox(outbox);
  const created = await submitForm(browser, "/register", 'name="username"', {
    username,
    email: `${username}@example.test`,
    password: "a long enough passphrase",
  });
  expect(created.location).toBe("/verify-email");
  const code = verificationCodeIn(sent()[0].text);
  const verified = await submitForm(browser, "/verify-email", 'name="code"', { code });
  expect(verified.location).toBe("/setup-2fa");
  const page = await getPage(browser, "/setup-2fa");
  const key = /data-testid="setup-key"[^>]*>([^<]+)</.exec(page.html)?.[1] ?? "";
  return { browser, username, secret: key.replace(/\s/g, "") };
}

const listedCodes = (html: string): string[] => {
  const list = /<ul[^>]*data-testid="recovery-codes"[^>]*>([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? "";
  return [...list.matchAll(/<li[^>]*>([^<]*)<\/li>/g)].map(([, code]) => decodeEntities(code));
};

describe("/setup-2fa without JavaScript", () => {
  it("renders the ten recovery codes after the first code, until Continue, and nothing but Continue", async () => {
    const { browser, username, secret } = await registered();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const confirmed = await submitForm(browser, "/setup-2fa", 'name="code"', {
      code: await currentCode(secret),
    });
    expect(confirmed.status).toBe(303);
    expect(confirmed.location).toBe("/setup-2fa");

    const page = await getPage(browser, "/setup-2fa");
    const codes = listedCodes(page.html);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    expect(page.html).toContain(">Continue<");
    expect(page.html).not.toContain("Send codes to my email instead");
    expect(page.html).not.toContain(">Cancel<");
    expect(page.html).toContain(username);
    // A reload shows the same codes; Continue signs in and they are gone.
    expect(listedCodes((await getPage(browser, "/setup-2fa")).html)).toEqual(codes);
    const continued = await submitForm(browser, "/setup-2fa", ">Continue<");
    expect(continued.location).toBe("/dashboard");
    expect(listedCodes((await getPage(browser, "/setup-2fa")).html)).toEqual([]);
  });

  it("shows the passkey choice only as a <noscript> note; the app's code form and the email link stay", async () => {
    const { browser } = await registered();
    const page = await getPage(browser, "/setup-2fa");
    expect(page.html).toContain("Your phone, laptop or security key signs you in");
    expect(page.html).toMatch(/<noscript>[\s\S]*Passkeys need JavaScript[\s\S]*<\/noscript>/);
    expect(page.html).not.toContain("Use a passkey instead");
    expect(page.html).toContain('name="code"');
    expect(page.html).toContain("Send codes to my email instead");
  });

  it("Cancel in the header is a plain form that ends the setup", async () => {
    const { browser, username } = await registered();
    const page = await getPage(browser, "/setup-2fa");
    const header = /<header[\s\S]*?<\/header>/.exec(page.html)?.[0] ?? "";
    expect(header).toMatch(new RegExp(`Setting up <span[^>]*>${username}</span>`));
    expect(header).not.toContain(">Register<");
    const cancelled = await submitForm(browser, "/setup-2fa", ">Cancel<");
    expect(cancelled.status).toBe(303);
    expect(cancelled.location).toBe("/login?setupCancelled=1");
    expect(browser.cookies.has("2fa-challenge")).toBe(false);
    expect((await getPage(browser, "/login?setupCancelled=1")).html).toContain("Setup was cancelled.");
  });
});
