import {
  emailedCode,
  expect,
  fromOwnAddress,
  registerAndEnrol,
  registerWithEmailCodes,
  signInWithPassword,
  signOut,
  test,
} from "./helpers";

fromOwnAddress(23);

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
  const user = await registerWithEmailCodes(enrolling, "mailer");
  await enrolling.context().close();

  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const since = Date.now();
  await signInWithPassword(page, user.username, user.password);
  await expect(page).toHaveURL(/\/login\/verify/);
  await expect(page.getByText(/^We sent a code to m\*\*\*@/)).toBeVisible();
  const code = await emailedCode(user.email, "Your sign-in code", since);
  // Reloads send nothing more: the code stays the one that came.
  await page.reload();
  await page.reload();
  await page.getByLabel("Code from the email").fill(code);
  await page.getByRole("button", { name: "Verify", exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await context.close();
});
