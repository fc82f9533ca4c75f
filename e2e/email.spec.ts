import {
  emailedCode,
  expect,
  registerAndEnrol,
  registerWithEmailCodes,
  shownAccessToken,
  signInWithPassword,
  signOut,
  test,
} from "./helpers";
import { waitForMail } from "./smtp-sink";

test("sign in with a code read from the test's SMTP server, and get a new-sign-in notice", async ({
  page,
}) => {
  const user = await registerAndEnrol(page, "mia");
  await signOut(page);
  await signInWithPassword(page, user.username, user.password);
  const since = Date.now();
  await page.getByRole("button", { name: "Email me a code" }).click();
  await expect(page).toHaveURL(/method=email&sent=1/);
  await expect(page.getByText(/We sent a code to m\*\*\*@example\.test/)).toBeVisible();

  await page
    .getByLabel("Code from the email")
    .fill(await emailedCode(user.email, "Your sign-in code", since));
  await page.getByRole("button", { name: "Verify", exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard$/);

  const notice = await waitForMail(user.email, "New sign-in to your account", since);
  expect(notice.text).toContain("Emailed code");
  expect(notice.text).toContain("/settings/security");
});

test("a user without an authenticator app enrols with emailed codes", async ({ page }) => {
  const user = await registerWithEmailCodes(page, "noapp");
  await expect(page.getByText("Emailed codes")).toBeVisible();

  // The next sign-in sends an emailed code on arrival, without a click.
  await signOut(page);
  const again = Date.now();
  await signInWithPassword(page, user.username, user.password);
  await expect(page.getByText(/^We sent a code to n\*\*\*@/)).toBeVisible();
  await expect(page.getByRole("button", { name: "Send a new code" })).toBeVisible();
  await page
    .getByLabel("Code from the email")
    .fill(await emailedCode(user.email, "Your sign-in code", again));
  await page.getByRole("button", { name: "Verify", exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
});

test("'Email me this token' sends the access token", async ({ page }) => {
  const user = await registerAndEnrol(page, "tik");
  await page.goto("/token");
  const token = await shownAccessToken(page);
  const since = Date.now();
  await page.getByRole("button", { name: "Email me this token" }).click();
  await expect(page.getByText(`Sent to ${user.email}.`)).toBeVisible();
  const mail = await waitForMail(user.email, "Your access token", since);
  expect(mail.text).toContain(token);
});
