import { expect, fromOwnAddress, registerAndEnrol, rememberSecret, test, totpCode } from "./helpers";
import { waitForMail } from "./smtp-sink";

// Written against /verify-email's labels ("Verification code", "Verify
// email"): it passes once that page is in.
fromOwnAddress(31);

test("change the email address with the password and a code, confirm it with the code sent to the new address", async ({
  page,
}) => {
  const user = await registerAndEnrol(page, "mover");
  await page.goto("/settings/security");
  const section = page.getByRole("region", { name: "Email" });
  await expect(section.getByTestId("account-email")).toHaveText(user.email);

  const newEmail = `moved-${user.username}@example.test`;
  await section.getByLabel("New email").fill(newEmail);
  await section.getByLabel("Current password").fill(user.password);
  await section.getByLabel("Current code").fill(await totpCode(user.secret, 1));
  const since = Date.now();
  await section.getByRole("button", { name: "Change email" }).click();
  await expect(page).toHaveURL(/\/verify-email\?purpose=change_email$/);

  const mail = await waitForMail(newEmail, "Confirm your new email address", since);
  const code = /^([A-Z2-9]{8})$/m.exec(mail.text)?.[1] ?? "";
  rememberSecret("email change code", code);
  expect(code).toHaveLength(8);
  // Nothing changed yet: the settings page still shows the old address.
  await page.goto("/settings/security");
  await expect(section.getByTestId("account-email")).toHaveText(user.email);
  await expect(section.getByText(/A change to m\*\*\*@example\.test is waiting for its code/)).toBeVisible();
  await section.getByRole("link", { name: "Enter the code" }).click();

  await page.getByLabel("Verification code").fill(code);
  await page.getByRole("button", { name: "Verify email" }).click();
  await expect(page).toHaveURL(/\/verify-email\?done=changed$/);
  await expect(page.getByRole("heading", { name: "Your email address was changed" })).toBeVisible();

  await page.goto("/settings/security");
  await expect(section.getByTestId("account-email")).toHaveText(newEmail);
  await expect(section.getByText("Verified", { exact: true })).toBeVisible();
  await expect(page.getByRole("cell", { name: "Email address changed" })).toBeVisible();

  const notice = await waitForMail(user.email, "Your account's email address was changed", since);
  expect(notice.text).toMatch(/^New address: m\*\*\*@example\.test$/m);
  expect(notice.text).not.toContain(newEmail);
});
