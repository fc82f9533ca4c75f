import {
  expect,
  fromOwnAddress,
  registerAndEnrol,
  signInWithPassword,
  submitRegistration,
  test,
  totpCode,
} from "./helpers";
import { waitForMail } from "./smtp-sink";

fromOwnAddress(91);

// DESIGN.md §4 "Deleting the account": the password and a current factor,
// then a confirmation (no script dialog); every row goes, the address is
// told, the browser is signed out, and the name can be registered again.
test("deleting the account signs out with a notice; the old credentials fail and the name registers again", async ({
  page,
}) => {
  const user = await registerAndEnrol(page, "del");
  await page.goto("/settings/security");
  const section = page.getByRole("region", { name: "Delete account" });
  await section.getByLabel("Current password").fill(user.password);
  // Enrolment used this step's code; the next step is still accepted.
  await section.getByLabel("Current code").fill(await totpCode(user.secret, 1));
  await section.getByRole("button", { name: "Delete account" }).click();

  await expect(section.getByText("This cannot be undone")).toBeVisible();
  await expect(section.getByRole("button", { name: "Cancel" })).toBeVisible();
  const since = Date.now();
  page.on("dialog", () => {
    throw new Error("a script dialog opened");
  });
  await section.getByRole("button", { name: "Delete my account permanently" }).click();

  await expect(page).toHaveURL(/\/\?deleted=1$/);
  await expect(page.getByRole("status").filter({ hasText: "Your account was deleted." })).toBeVisible();
  await expect(page.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeVisible();
  const mail = await waitForMail(user.email, "Your account was deleted", since);
  expect(mail.text).toContain(user.username);
  await page.goto("/settings/security");
  await expect(page).toHaveURL(/\/login/);

  await signInWithPassword(page, user.username, user.password);
  await expect(page.getByText("Invalid username or password")).toBeVisible();
  await expect(page).toHaveURL(/\/login/);

  await page.goto("/register");
  await submitRegistration(page, user);
  await expect(page).toHaveURL(/\/verify-email$/);
  await waitForMail(user.email, "Confirm your email address", since);
});
