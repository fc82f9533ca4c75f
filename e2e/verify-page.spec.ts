import type { Page } from "@playwright/test";
import {
  expect,
  registerAndEnrol,
  shownRecoveryCodes,
  signInWithPassword,
  signOut,
  test,
  uniqueUser,
} from "./helpers";
import { waitForMail } from "./smtp-sink";

// Registrations are limited to 10 per IP per hour: this file's browsers come
// from an address of their own, as clients behind the proxy would
// (TRUSTED_PROXY_HOPS=1 takes the last X-Forwarded-For entry).
test.use({ extraHTTPHeaders: { "x-forwarded-for": "198.51.100.23" } });

const codeIn = (text: string): string => /\b(\d{6})\b/.exec(text)?.[1] ?? "";

async function registerWithEmailCodes(page: Page) {
  const user = uniqueUser("mailer");
  await page.goto("/register");
  await page.getByLabel("Username").fill(user.username);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("link", { name: "Send codes to my email instead" }).click();
  const since = Date.now();
  await page.getByRole("button", { name: "Email me a code" }).click();
  const mail = await waitForMail(user.email, "Your sign-in code", since);
  await page.getByLabel("Code from the email").fill(codeIn(mail.text));
  await page.getByRole("button", { name: "Verify and enable" }).click();
  await shownRecoveryCodes(page);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  return user;
}

test("the other ways to verify sit side by side at one height", async ({ page }) => {
  const user = await registerAndEnrol(page, "row");
  await signOut(page);
  await signInWithPassword(page, user.username, user.password);
  const recovery = await page.getByRole("link", { name: "Use a recovery code" }).boundingBox();
  const email = await page.getByRole("button", { name: "Email me a code" }).boundingBox();
  expect(recovery && email).toBeTruthy();
  expect(Math.abs(recovery!.y - email!.y)).toBeLessThanOrEqual(1);
  expect(Math.abs(recovery!.height - email!.height)).toBeLessThanOrEqual(1);
});

test('plain "Sign out" says so', async ({ page }) => {
  await registerAndEnrol(page, "bye");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login\?signedOut=1$/);
  await expect(page.getByText("You have been signed out.")).toBeVisible();
});

test("an email-factor user is sent the code on arrival, without JavaScript, once", async ({ browser }) => {
  const enrolling = await browser.newPage();
  const user = await registerWithEmailCodes(enrolling);
  await enrolling.context().close();

  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const since = Date.now();
  await signInWithPassword(page, user.username, user.password);
  await expect(page).toHaveURL(/\/login\/verify/);
  await expect(page.getByText(/^We sent a code to m\*\*\*@/)).toBeVisible();
  const mail = await waitForMail(user.email, "Your sign-in code", since);
  // Reloads send nothing more: the code stays the one that came.
  await page.reload();
  await page.reload();
  await page.getByLabel("Code from the email").fill(codeIn(mail.text));
  await page.getByRole("button", { name: "Verify", exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await context.close();
});
