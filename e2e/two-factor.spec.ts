import { expect, registerAndEnrol, signInWithPassword, signOut, test, totpCode } from "./helpers";

test("register, enrol an authenticator, sign out, and sign in with password and code", async ({ page }) => {
  const user = await registerAndEnrol(page, "ada");
  await expect(page.getByRole("heading", { name: `Hello, ${user.username}` })).toBeVisible();
  await expect(page.getByTestId("recovery-codes-left")).toHaveText("10");
  await signOut(page);

  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fdashboard$/);

  await signInWithPassword(page, user.username.toUpperCase(), user.password);
  await expect(page).toHaveURL(/\/login\/verify/);
  // The password alone reaches nothing protected.
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fdashboard$/);

  await signInWithPassword(page, user.email, user.password);
  await expect(page).toHaveURL(/\/login\/verify/);
  await page.getByLabel("Authentication code").fill(await totpCode(user.secret, 1));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("banner")).toContainText(user.username);
});

test("a wrong code is refused with a message, and a recovery code signs in once", async ({ page }) => {
  const user = await registerAndEnrol(page, "bea");
  await signOut(page);

  await signInWithPassword(page, user.username, user.password);
  await page.getByLabel("Authentication code").fill("000000");
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByText("That code is not right")).toBeVisible();
  await expect(page).toHaveURL(/\/login\/verify/);

  await page.getByRole("link", { name: "Use a recovery code" }).click();
  await page.getByLabel("Recovery code").fill(user.recoveryCodes[0].toLowerCase());
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("status")).toContainText("9 recovery codes left");
  await signOut(page);

  await signInWithPassword(page, user.username, user.password);
  await page.getByRole("link", { name: "Use a recovery code" }).click();
  await page.getByLabel("Recovery code").fill(user.recoveryCodes[0]);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByText("That recovery code is not valid or was already used.")).toBeVisible();
});

test("a wrong password gets one message that does not reveal whether the account exists", async ({
  page,
}) => {
  const user = await registerAndEnrol(page, "cy");
  await signOut(page);
  await signInWithPassword(page, user.username, "not the password");
  await expect(page.getByText("Invalid username or password")).toBeVisible();
  await signInWithPassword(page, "nobody-here", "not the password");
  await expect(page.getByText("Invalid username or password")).toBeVisible();
});

test("the verify step is unreachable without a passed password step", async ({ page }) => {
  await page.goto("/login/verify");
  await expect(page).toHaveURL(/\/login\?expired=1$/);
  await page.goto("/setup-2fa");
  await expect(page.getByText("Your setup session has expired or was not started.")).toBeVisible();
});
