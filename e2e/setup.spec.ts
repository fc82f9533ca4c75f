import type { Page } from "@playwright/test";
import {
  expect,
  register,
  shownRecoveryCodes,
  shownSetupKey,
  signInWithPassword,
  test,
  totpCode,
  uniqueUser,
} from "./helpers";

// Each context from an address of its own (the app trusts one proxy hop, and
// none is in front here), so this spec's registrations do not use up the
// per-IP registration limit the rest of the suite shares on 127.0.0.1.
let lastOctet = 0;
const ownAddress = (): Record<string, string> => ({ "x-forwarded-for": `198.51.100.${++lastOctet}` });

async function shownKey(page: Page): Promise<string> {
  const secret = await shownSetupKey(page);
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  return secret;
}

async function enterFirstCode(page: Page, secret: string, offset = 0): Promise<void> {
  await page.getByLabel("Authentication code").fill(await totpCode(secret, offset));
  await page.getByRole("button", { name: "Verify and enable" }).click();
}

// The codes screen leads nowhere but Continue (and copy or download).
async function expectOnlyContinue(page: Page): Promise<void> {
  const main = page.getByRole("main");
  await expect(main.getByRole("link")).toHaveText(["Download as text"]);
  await expect(main.getByRole("button")).toHaveText(["Copy codes", "Continue"]);
  await expect(page.getByRole("link", { name: /instead/ })).toHaveCount(0);
  await expect(page.getByRole("banner").getByRole("button", { name: "Cancel" })).toHaveCount(0);
  await expect(page.getByRole("banner").getByRole("link", { name: "Register" })).toHaveCount(0);
}

test("two browsers on one unfinished account get their own keys, and the other's never works", async ({
  browser,
}) => {
  const owner = await browser.newContext({ extraHTTPHeaders: ownAddress() });
  const attacker = await browser.newContext({ extraHTTPHeaders: ownAddress() });
  const ownerPage = await owner.newPage();
  const attackerPage = await attacker.newPage();
  const user = uniqueUser("half");

  await register(ownerPage, user);
  const firstKey = await shownKey(ownerPage);
  // Someone else with the password, before the owner confirmed.
  await signInWithPassword(attackerPage, user.username, user.password);
  await expect(attackerPage).toHaveURL(/\/setup-2fa$/);
  const attackerKey = await shownKey(attackerPage);
  expect(attackerKey).not.toBe(firstKey);

  // The newer enrolment ended the owner's; signing in again makes yet another key.
  await signInWithPassword(ownerPage, user.username, user.password);
  await expect(ownerPage).toHaveURL(/\/setup-2fa$/);
  const ownerKey = await shownKey(ownerPage);
  expect(ownerKey).not.toBe(attackerKey);
  expect(ownerKey).not.toBe(firstKey);

  // The attacker's key confirms neither its own (ended) enrolment nor the owner's.
  await enterFirstCode(attackerPage, attackerKey);
  await expect(attackerPage.getByText("Your setup session has expired")).toBeVisible();
  await enterFirstCode(ownerPage, attackerKey);
  await expect(ownerPage.getByText("That code is not right")).toBeVisible();
  await enterFirstCode(ownerPage, ownerKey);
  await shownRecoveryCodes(ownerPage);
  await ownerPage.getByRole("button", { name: "Continue" }).click();
  await expect(ownerPage).toHaveURL(/\/dashboard$/);

  // With the password, the attacker's earlier key gives no working code.
  await signInWithPassword(attackerPage, user.username, user.password);
  await expect(attackerPage).toHaveURL(/\/login\/verify/);
  await attackerPage.getByLabel("Authentication code").fill(await totpCode(attackerKey, 1));
  await attackerPage.getByRole("button", { name: "Verify" }).click();
  await expect(attackerPage.getByText("That code is not right")).toBeVisible();
  await expect(attackerPage).toHaveURL(/\/login\/verify/);

  await owner.close();
  await attacker.close();
});

test("without JavaScript the recovery codes are on the page, and only Continue leads on", async ({
  browser,
}) => {
  const context = await browser.newContext({ javaScriptEnabled: false, extraHTTPHeaders: ownAddress() });
  const page = await context.newPage();
  const user = uniqueUser("nojs");
  await register(page, user);
  await enterFirstCode(page, await shownKey(page));

  const codes = await shownRecoveryCodes(page);
  expect(new Set(codes).size).toBe(10);
  await expectOnlyContinue(page);
  // A reload before Continue still shows them.
  await page.reload();
  await expect(page.getByTestId("recovery-codes").getByRole("listitem")).toHaveText(codes);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await context.close();
});

test("with JavaScript the codes screen leads nowhere but Continue", async ({ browser }) => {
  const context = await browser.newContext({ extraHTTPHeaders: ownAddress() });
  const page = await context.newPage();
  const user = uniqueUser("codes");
  await register(page, user);
  await expect(page.getByRole("link", { name: "Send codes to my email instead" })).toBeVisible();
  await enterFirstCode(page, await shownKey(page));
  await shownRecoveryCodes(page);
  await expectOnlyContinue(page);
  await expect(page.getByRole("banner")).toContainText(`Setting up ${user.username}`);
  await context.close();
});

test("during setup the header names the account and Cancel ends the half-session", async ({ browser }) => {
  for (const javaScriptEnabled of [true, false]) {
    const context = await browser.newContext({ javaScriptEnabled, extraHTTPHeaders: ownAddress() });
    const page = await context.newPage();
    const user = uniqueUser(javaScriptEnabled ? "cancel" : "cancelnojs");
    await register(page, user);
    const header = page.getByRole("banner");
    await expect(header).toContainText(`Setting up ${user.username}`);
    await expect(header.getByRole("link", { name: "Sign in" })).toHaveCount(0);

    await header.getByRole("button", { name: "Cancel" }).click();
    await expect(page).toHaveURL(/\/login\?setupCancelled=1$/);
    await expect(page.getByText("Setup was cancelled.")).toBeVisible();
    await expect(header.getByRole("link", { name: "Sign in" })).toBeVisible();
    expect((await context.cookies()).map((cookie) => cookie.name)).not.toContain("2fa-challenge");
    await page.goto("/setup-2fa");
    await expect(page.getByText("Your setup session has expired or was not started.")).toBeVisible();
    await context.close();
  }
});
