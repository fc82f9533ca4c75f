import { expect, type Page } from "@playwright/test";
import { generate } from "otplib";
import { rememberSecret } from "./secrets";

export { expect };
export { rememberSecret, test } from "./secrets";

// A code for the step `offset` steps from now: enrolment uses step N, so the
// next sign-in uses N+1 (still inside the one-step window) instead of waiting.
export async function totpCode(secret: string, offset = 0): Promise<string> {
  const epoch = Math.floor(Date.now() / 1000) + offset * 30;
  const code = await generate({ secret, algorithm: "sha1", digits: 6, period: 30, epoch });
  rememberSecret("TOTP code", code);
  return code;
}

export function uniqueUser(prefix = "user") {
  const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const password = `correct horse ${id}`;
  rememberSecret("password", password);
  return { username: `${prefix}-${id}`, email: `${prefix}-${id}@example.test`, password };
}

export type Enrolled = ReturnType<typeof uniqueUser> & { secret: string; recoveryCodes: string[] };

// Registers through the UI and enrols an authenticator from the shown key.
export async function registerAndEnrol(page: Page, prefix = "user"): Promise<Enrolled> {
  const user = uniqueUser(prefix);
  await page.goto("/register");
  await page.getByLabel("Username").fill(user.username);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/setup-2fa$/);
  await expect(page.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  const setupKey = (await page.getByTestId("setup-key").textContent()) ?? "";
  const secret = setupKey.replace(/\s/g, "");
  rememberSecret("TOTP setup key", setupKey, secret);
  await page.getByLabel("Authentication code").fill(await totpCode(secret));
  await page.getByRole("button", { name: "Verify and enable" }).click();
  const recoveryCodes = await shownRecoveryCodes(page);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  return { ...user, secret, recoveryCodes };
}

// The ten codes shown once after enrolment or regeneration.
export async function shownRecoveryCodes(page: Page): Promise<string[]> {
  const items = page.getByTestId("recovery-codes").getByRole("listitem");
  await expect(items).toHaveCount(10);
  const codes = (await items.allTextContents()).map((code) => code.trim());
  rememberSecret("recovery code", ...codes);
  return codes;
}

export async function shownAccessToken(page: Page): Promise<string> {
  const token = ((await page.getByTestId("access-token").textContent()) ?? "").trim();
  rememberSecret("access token", token);
  return token;
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeVisible();
}

export async function signInWithPassword(page: Page, identifier: string, password: string): Promise<void> {
  rememberSecret("password", password);
  await page.goto("/login");
  await page.getByLabel("Username or email").fill(identifier);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}
