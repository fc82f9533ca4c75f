import {
  emailedVerification,
  expect,
  fromOwnAddress,
  shownRecoveryCodes,
  shownSetupKey,
  signInWithPassword,
  signOut,
  submitRegistration,
  test,
  totpCode,
  uniqueUser,
} from "./helpers";

fromOwnAddress(61);

test("register, verify the address with the emailed code, set up an authenticator, sign out and sign in", async ({
  page,
}) => {
  const user = uniqueUser("verify");
  await page.goto("/register");
  const since = Date.now();
  await submitRegistration(page, user);
  await expect(page).toHaveURL(/\/verify-email$/);
  await expect(page.getByText(user.email)).toBeVisible();
  const { code } = await emailedVerification(user.email, since);
  await page.getByLabel("Verification code").fill("ABCDEFGH");
  await page.getByRole("button", { name: "Verify email" }).click();
  await expect(page.getByText("4 tries left")).toBeVisible();
  await page.getByLabel("Verification code").fill(code);
  await page.getByRole("button", { name: "Verify email" }).click();
  await expect(page).toHaveURL(/\/setup-2fa$/);
  const secret = await shownSetupKey(page);
  await page.getByLabel("Authentication code").fill(await totpCode(secret));
  await page.getByRole("button", { name: "Verify and enable" }).click();
  await shownRecoveryCodes(page);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await signOut(page);

  await signInWithPassword(page, user.username, user.password);
  await expect(page).toHaveURL(/\/login\/verify/);
  await page.getByLabel("Authentication code").fill(await totpCode(secret, 1));
  await page.getByRole("button", { name: "Verify", exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
});

test("the emailed link opens the form filled in; Verify email verifies, then the password leads to setup", async ({
  page,
  browser,
}) => {
  const user = uniqueUser("link");
  await page.goto("/register");
  const since = Date.now();
  await submitRegistration(page, user);
  await expect(page).toHaveURL(/\/verify-email$/);
  const { code, link } = await emailedVerification(user.email, since);

  // Another browser (a phone) opens the link: nothing is verified until the button.
  const phone = await browser.newPage();
  await phone.goto(link);
  await expect(phone.getByLabel("Verification code")).toHaveValue(code);
  await phone.getByRole("button", { name: "Verify email" }).click();
  await expect(phone.getByRole("heading", { name: "Your email address is verified" })).toBeVisible();
  await phone.close();

  // The registering browser goes on where it was.
  await page.goto("/setup-2fa");
  await expect(page.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
});
