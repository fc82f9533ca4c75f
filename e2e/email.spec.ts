import {
  expect,
  registerAndEnrol,
  shownAccessToken,
  shownRecoveryCodes,
  signInWithPassword,
  signOut,
  test,
  uniqueUser,
} from "./helpers";
import { waitForMail } from "./smtp-sink";

const codeIn = (text: string): string => /\b(\d{6})\b/.exec(text)?.[1] ?? "";

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

  const mail = await waitForMail(user.email, "Your sign-in code", since);
  await page.getByLabel("Code from the email").fill(codeIn(mail.text));
  await page.getByRole("button", { name: "Verify", exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard$/);

  const notice = await waitForMail(user.email, "New sign-in to your account", since);
  expect(notice.text).toContain("Emailed code");
  expect(notice.text).toContain("/settings/security");
});

test("a user without an authenticator app enrols with emailed codes", async ({ page }) => {
  const user = uniqueUser("noapp");
  await page.goto("/register");
  await page.getByLabel("Username").fill(user.username);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("link", { name: "Send codes to my email instead" }).click();
  await expect(page.getByText(/weaker second factor/)).toBeVisible();
  const since = Date.now();
  await page.getByRole("button", { name: "Email me a code" }).click();
  const mail = await waitForMail(user.email, "Your sign-in code", since);
  await page.getByLabel("Code from the email").fill(codeIn(mail.text));
  await page.getByRole("button", { name: "Verify and enable" }).click();
  await shownRecoveryCodes(page);
  // Nothing on the codes screen throws them away.
  await expect(page.getByRole("link", { name: "Use an authenticator app instead" })).toHaveCount(0);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByText("Emailed codes")).toBeVisible();

  // The next sign-in sends an emailed code on arrival, without a click.
  await signOut(page);
  const again = Date.now();
  await signInWithPassword(page, user.username, user.password);
  await expect(page.getByText(/^We sent a code to n\*\*\*@/)).toBeVisible();
  await expect(page.getByRole("button", { name: "Send a new code" })).toBeVisible();
  const second = await waitForMail(user.email, "Your sign-in code", again);
  await page.getByLabel("Code from the email").fill(codeIn(second.text));
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
