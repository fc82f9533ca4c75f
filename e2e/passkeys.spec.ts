import type { Page } from "@playwright/test";
import {
  expect,
  fromOwnAddress,
  register,
  registerAndEnrol,
  rememberSecret,
  shownRecoveryCodes,
  signInWithPassword,
  signOut,
  test,
  totpCode,
  uniqueUser,
  type Enrolled,
} from "./helpers";
import {
  addPasskey,
  addVirtualAuthenticator,
  heldCredentials,
  passkeysSection,
  signInWithPasskey,
  type VirtualAuthenticator,
} from "./passkeys";
import { waitForMail } from "./smtp-sink";

fromOwnAddress(14);

// An enrolled account (authenticator app, step N) that adds a passkey in
// settings with the password and the next step's code.
async function enrolledWithPasskey(
  page: Page,
  prefix: string,
  name: string,
): Promise<{ user: Enrolled; authenticator: VirtualAuthenticator }> {
  const authenticator = await addVirtualAuthenticator(page);
  const user = await registerAndEnrol(page, prefix);
  await page.goto("/settings/security");
  await expect(passkeysSection(page).getByTestId("passkey")).toHaveCount(0);
  await addPasskey(page, user.password, await totpCode(user.secret, 1), name);
  await expect(page.getByText("Passkey added.")).toBeVisible();
  await expect(page.getByTestId("passkey")).toHaveCount(1);
  await expect(page.getByTestId("passkey")).toContainText(name);
  expect(await heldCredentials(authenticator)).toBe(1);
  return { user, authenticator };
}

test("a passkey added in settings signs in alone from /login, and as the second step after the password", async ({
  page,
}) => {
  const { user } = await enrolledWithPasskey(page, "pk", "Test laptop");

  await signOut(page);
  await signInWithPasskey(page);
  await expect(page).toHaveURL(/\/dashboard$/);

  await signOut(page);
  await signInWithPassword(page, user.username, user.password);
  await expect(page).toHaveURL(/\/login\/verify(\?|$)/);
  await page.getByRole("button", { name: "Use a passkey" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
});

test("a browser whose authenticator holds no passkey of the account stays on /login with a message", async ({
  browser,
  page,
}) => {
  await enrolledWithPasskey(page, "pkother", "Test laptop");

  const other = await (await browser.newContext()).newPage();
  const empty = await addVirtualAuthenticator(other);
  await signInWithPasskey(other);
  await expect(other.getByText("The passkey prompt was closed or timed out")).toBeVisible();
  await expect(other).toHaveURL(/\/login$/);
  expect(await heldCredentials(empty)).toBe(0);
  await other.goto("/dashboard");
  await expect(other).toHaveURL(/\/login\?callbackUrl=%2Fdashboard$/);
  await other.context().close();
});

test("a renamed, then removed passkey is gone from the list and the server refuses it though the authenticator keeps it", async ({
  page,
}) => {
  const { user, authenticator } = await enrolledWithPasskey(page, "pkgone", "Test laptop");

  const row = page.getByTestId("passkey");
  await row.getByLabel("New name").fill("Old laptop");
  await row.getByRole("button", { name: "Rename" }).click();
  await expect(row).toContainText("Old laptop");
  await expect(row).not.toContainText("Test laptop");

  await row.getByRole("button", { name: "Remove", exact: true }).click();
  await row.getByLabel("Current password").fill(user.password);
  // Step N+1 went on adding the passkey: a recovery code is a current code too.
  await row.getByLabel("Current code").fill(user.recoveryCodes[0]);
  await row.getByRole("button", { name: "Remove passkey" }).click();
  await expect(page.getByTestId("passkey")).toHaveCount(0);
  await page.reload();
  await expect(passkeysSection(page)).toBeVisible();
  await expect(page.getByTestId("passkey")).toHaveCount(0);

  await signOut(page);
  expect(await heldCredentials(authenticator)).toBe(1);
  await signInWithPasskey(page);
  await expect(page.getByText(/could not sign you in/)).toBeVisible();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fdashboard$/);
});

test('a new account that chooses "Use a passkey instead" at /setup-2fa gets recovery codes and signs in with the passkey', async ({
  page,
}) => {
  const authenticator = await addVirtualAuthenticator(page);
  const user = uniqueUser("pksetup");
  await register(page, user);
  await page.getByRole("button", { name: "Use a passkey instead" }).click();
  await shownRecoveryCodes(page);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  expect(await heldCredentials(authenticator)).toBe(1);

  await page.goto("/settings/security");
  await expect(page.getByTestId("passkey")).toHaveCount(1);

  await signOut(page);
  await signInWithPasskey(page);
  await expect(page).toHaveURL(/\/dashboard$/);
});

test("a password reset takes the passkey as its second factor, and the new password then needs it too", async ({
  page,
}) => {
  const { user } = await enrolledWithPasskey(page, "pkreset", "Test laptop");
  await signOut(page);

  await page.goto("/forgot-password");
  const since = Date.now();
  await page.getByLabel("Username or email").fill(user.email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  const mail = await waitForMail(user.email, "Reset your password", since);
  const link = /https?:\/\/\S+\/reset-password\?token=[A-Za-z0-9_-]+/.exec(mail.text)?.[0] ?? "";
  expect(link).not.toBe("");
  rememberSecret("reset link token", new URL(link).searchParams.get("token") ?? "");

  await page.goto(link);
  await page.getByRole("button", { name: "Use a passkey" }).click();
  const newPassword = `a new passphrase for ${user.username.slice(-4)} only`;
  rememberSecret("password", newPassword);
  // The second step: a new form, only once the passkey was accepted.
  await expect(page.getByLabel("New password")).toBeVisible();
  await page.getByLabel("New password").fill(newPassword);
  await page.getByRole("button", { name: "Reset password" }).click();
  await expect(page).toHaveURL(/\/login\?reset=1$/);

  await signInWithPassword(page, user.username, newPassword);
  await expect(page).toHaveURL(/\/login\/verify(\?|$)/);
  await page.getByRole("button", { name: "Use a passkey" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
});

test("without JavaScript /login shows no passkey button and the password form still signs in", async ({
  browser,
}) => {
  const enrolling = await browser.newPage();
  const user = await registerAndEnrol(enrolling, "pknojs");
  await enrolling.context().close();

  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/login");
  await expect(page.getByLabel("Username or email")).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign in with a passkey" })).toHaveCount(0);
  await expect(page.getByText(/Passkeys need JavaScript/)).toBeVisible();

  await signInWithPassword(page, user.username, user.password);
  await expect(page).toHaveURL(/\/login\/verify(\?|$)/);
  await page.getByLabel("Authentication code").fill(await totpCode(user.secret, 1));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await context.close();
});
