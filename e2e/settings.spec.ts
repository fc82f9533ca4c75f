import { expect, registerAndEnrol, shownRecoveryCodes, signInWithPassword, test, totpCode } from "./helpers";

test("sign out everywhere ends the session in every browser", async ({ browser }) => {
  const first = await browser.newPage();
  const user = await registerAndEnrol(first, "eve");

  const second = await (await browser.newContext()).newPage();
  await signInWithPassword(second, user.username, user.password);
  await second.getByLabel("Authentication code").fill(await totpCode(user.secret, 1));
  await second.getByRole("button", { name: "Verify" }).click();
  await expect(second).toHaveURL(/\/dashboard$/);

  await first.goto("/settings/security");
  await expect(first.getByRole("heading", { name: "Recent security events" })).toBeVisible();
  await expect(first.getByRole("cell", { name: "Two-factor authentication turned on" })).toBeVisible();
  await first.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(first).toHaveURL(/\/login\?signedOut=1$/);

  await second.goto("/dashboard");
  await expect(second).toHaveURL(/\/login\?callbackUrl=%2Fdashboard$/);
});

test("regenerating recovery codes needs the password and a code, and shows ten new codes", async ({
  page,
}) => {
  const user = await registerAndEnrol(page, "fay");
  await page.goto("/settings/security");
  await page.locator("#regenerate-password").fill("wrong password");
  await page.locator("#regenerate-code").fill("123456");
  await page.getByRole("button", { name: "Regenerate recovery codes" }).click();
  await expect(page.getByText("That password is not right")).toBeVisible();

  await page.locator("#regenerate-password").fill(user.password);
  await page.locator("#regenerate-code").fill(await totpCode(user.secret, 1));
  await page.getByRole("button", { name: "Regenerate recovery codes" }).click();
  expect(await shownRecoveryCodes(page)).not.toContain(user.recoveryCodes[0]);
});
