import {
  expect,
  fromOwnAddress,
  registerAndEnrol,
  rememberSecret,
  shownRecoveryCodes,
  signInWithPassword,
  test,
  totpCode,
} from "./helpers";

fromOwnAddress(22);

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
  await first.getByRole("button", { name: "Sign out everywhere", exact: true }).click();
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

test("every change on the settings page shows at once in the card and the events list", async ({ page }) => {
  const user = await registerAndEnrol(page, "fresh");
  await page.goto("/settings/security");
  const codesLeft = page.getByText(/^\d+ of 10$/);
  await expect(codesLeft).toHaveText("10 of 10");

  // Starting a switch with a recovery code spends it: the card says so at once.
  await page.locator("#reenrol-password").fill(user.password);
  await page.locator("#reenrol-code").fill(user.recoveryCodes[0]);
  await page.getByRole("button", { name: "Set up a new authenticator app" }).click();
  await expect(page.getByRole("img", { name: "QR code for your new authenticator app" })).toBeVisible();
  await expect(codesLeft).toHaveText("9 of 10");
  await expect(page.getByRole("cell", { name: "Recovery code used" })).toBeVisible();

  // The pending switch survives a reload, with the same key, and Cancel discards it.
  const key = await page.getByTestId("new-setup-key").textContent();
  await page.reload();
  await expect(page.getByTestId("new-setup-key")).toHaveText(key ?? "");
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByTestId("new-setup-key")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Set up a new authenticator app" })).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("new-setup-key")).toHaveCount(0);

  await page.locator("#regenerate-password").fill(user.password);
  await page.locator("#regenerate-code").fill(await totpCode(user.secret, 1));
  await page.getByRole("button", { name: "Regenerate recovery codes" }).click();
  const fresh = await shownRecoveryCodes(page);
  await expect(codesLeft).toHaveText("10 of 10");
  await expect(page.getByRole("cell", { name: "Recovery codes regenerated" })).toBeVisible();

  // Confirming a switch: the events list shows it, and the section offers a new switch again.
  await page.locator("#reenrol-password").fill(user.password);
  await page.locator("#reenrol-code").fill(fresh[0]);
  await page.getByRole("button", { name: "Set up a new authenticator app" }).click();
  const newKey = ((await page.getByTestId("new-setup-key").textContent()) ?? "").replace(/\s/g, "");
  rememberSecret("TOTP setup key", newKey);
  await page.getByLabel("Code from your new app").fill(await totpCode(newKey));
  await page.getByRole("button", { name: "Switch to the new app" }).click();
  await expect(page.getByText("Your new authenticator app is set up.")).toBeVisible();
  await expect(page.getByRole("cell", { name: "New authenticator app set up" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Set up a new authenticator app" })).toBeVisible();
});

for (const javaScriptEnabled of [true, false]) {
  test(`"Sign out everywhere" asks first, ${javaScriptEnabled ? "with" : "without"} JavaScript`, async ({
    browser,
  }) => {
    const enrolling = await browser.newPage();
    await registerAndEnrol(enrolling, javaScriptEnabled ? "confirm" : "confirmnojs");
    const context = await browser.newContext({ javaScriptEnabled });
    await context.addCookies(await enrolling.context().cookies());
    const page = await context.newPage();
    let dialogs = 0;
    page.on("dialog", (dialog) => {
      dialogs += 1;
      void dialog.dismiss();
    });
    await page.goto("/settings/security");
    await page.getByRole("button", { name: "Sign out everywhere" }).click();
    await expect(page.getByText(/Sign out of every device, this browser included/)).toBeVisible();
    await page.getByRole("link", { name: "Keep me signed in" }).click();
    await expect(page).toHaveURL(/\/settings\/security$/);
    await page.goto("/dashboard");
    await expect(page).toHaveURL(/\/dashboard$/);

    await page.goto("/settings/security");
    await page.getByRole("button", { name: "Sign out everywhere" }).click();
    await page.getByRole("button", { name: "Sign out everywhere", exact: true }).click();
    await expect(page).toHaveURL(/\/login\?signedOut=1$/);
    await page.goto("/dashboard");
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fdashboard$/);
    expect(dialogs).toBe(0);
    await context.close();
  });
}
