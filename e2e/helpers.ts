import { expect, type Page } from "@playwright/test";
import { generate } from "otplib";
import { rememberSecret, test } from "./secrets";
import { waitForMail } from "./smtp-sink";

export { expect };
export { rememberSecret, test } from "./secrets";

// Registrations are limited to 10 per IP per hour: a spec that registers
// several accounts has its browsers come from an address of their own, as
// clients behind the proxy would (TRUSTED_PROXY_HOPS=1 takes the last
// X-Forwarded-For entry). Each spec takes its own `lastOctet`.
export function fromOwnAddress(lastOctet: number): void {
  test.use({ extraHTTPHeaders: { "x-forwarded-for": `198.51.100.${lastOctet}` } });
}

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

export type NewUser = ReturnType<typeof uniqueUser>;
export type Enrolled = NewUser & { secret: string; recoveryCodes: string[] };

// Fills in and sends the registration form already open on `page`.
export async function submitRegistration(page: Page, user: NewUser): Promise<void> {
  await page.getByLabel("Username").fill(user.username);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Create account" }).click();
}

// The verification email's code (8 letters and digits on a line of its own)
// and link, in the newest one to `to` since `since`.
export async function emailedVerification(
  to: string,
  since: number,
): Promise<{ code: string; link: string }> {
  const mail = await waitForMail(to, "Confirm your email address", since);
  const code = /^\s*([ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8})\s*$/m.exec(mail.text)?.[1] ?? "";
  const link = /https?:\/\/\S+\/verify-email\?\S+/.exec(mail.text)?.[0] ?? "";
  rememberSecret("verification code", code);
  return { code, link };
}

// Registers through the UI, proves the address with the emailed code, up to
// the enrolment page.
export async function register(page: Page, user: NewUser): Promise<void> {
  await page.goto("/register");
  const since = Date.now();
  await submitRegistration(page, user);
  await expect(page).toHaveURL(/\/verify-email$/);
  const { code } = await emailedVerification(user.email, since);
  await page.getByLabel("Verification code").fill(code);
  await page.getByRole("button", { name: "Verify email" }).click();
  await expect(page).toHaveURL(/\/setup-2fa$/);
}

// The authenticator key /setup-2fa shows, without the spaces that group it.
export async function shownSetupKey(page: Page): Promise<string> {
  const setupKey = (await page.getByTestId("setup-key").textContent()) ?? "";
  const secret = setupKey.replace(/\s/g, "");
  rememberSecret("TOTP setup key", setupKey, secret);
  return secret;
}

// Registers through the UI and enrols an authenticator from the shown key.
export async function registerAndEnrol(page: Page, prefix = "user"): Promise<Enrolled> {
  const user = uniqueUser(prefix);
  await register(page, user);
  await expect(page.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  const secret = await shownSetupKey(page);
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

// The header's button: settings also lists each session with a "Sign out".
export async function signOut(page: Page): Promise<void> {
  await page.getByRole("banner").getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeVisible();
}

export async function signInWithPassword(page: Page, identifier: string, password: string): Promise<void> {
  rememberSecret("password", password);
  await page.goto("/login");
  await page.getByLabel("Username or email").fill(identifier);
  await page.getByLabel("Password").fill(password);
  // Exact: /login also has "Sign in with a passkey".
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

// The 6-digit code in the newest `subject` email to `to` since `since`.
export async function emailedCode(to: string, subject: string, since: number): Promise<string> {
  const mail = await waitForMail(to, subject, since);
  return /\b(\d{6})\b/.exec(mail.text)?.[1] ?? "";
}

// Registers through the UI and enrols with emailed codes instead of an app.
export async function registerWithEmailCodes(page: Page, prefix = "user"): Promise<NewUser> {
  const user = uniqueUser(prefix);
  await register(page, user);
  await page.getByRole("link", { name: "Send codes to my email instead" }).click();
  await expect(page.getByText(/weaker second factor/)).toBeVisible();
  const since = Date.now();
  await page.getByRole("button", { name: "Email me a code" }).click();
  await page
    .getByLabel("Code from the email")
    .fill(await emailedCode(user.email, "Your sign-in code", since));
  await page.getByRole("button", { name: "Verify and enable" }).click();
  await shownRecoveryCodes(page);
  // Nothing on the codes screen throws them away.
  await expect(page.getByRole("link", { name: "Use an authenticator app instead" })).toHaveCount(0);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  return user;
}
