import {
  expect,
  fromOwnAddress,
  registerAndEnrol,
  shownAccessToken,
  signInWithPassword,
  test,
  totpCode,
} from "./helpers";

fromOwnAddress(71);

// DESIGN.md §4 "Sessions and tokens": every session listed in settings, each
// signed out on its own; every access token listed, each revoked on its own.
test("one browser signs the other out in settings; the other's next page is /login", async ({
  page,
  browser,
}) => {
  const user = await registerAndEnrol(page, "sess");
  const other = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": "198.51.100.72" } });
  const phone = await other.newPage();
  await signInWithPassword(phone, user.username, user.password);
  await phone.getByLabel("Authentication code").fill(await totpCode(user.secret, 1));
  await phone.getByRole("button", { name: "Verify" }).click();
  await expect(phone).toHaveURL(/\/dashboard$/);

  await page.goto("/settings/security");
  const sessions = page.getByTestId("session");
  await expect(sessions).toHaveCount(2);
  const mine = sessions.filter({ hasText: "This browser" });
  await expect(mine).toHaveCount(1);
  await expect(mine).toContainText("Last seen");
  const theirs = sessions.filter({ hasNotText: "This browser" });
  await expect(theirs).toContainText("198.51.100.72");
  await theirs.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByText("That session was signed out.")).toBeVisible();
  await expect(sessions).toHaveCount(1);

  await phone.goto("/dashboard");
  await expect(phone).toHaveURL(/\/login/);
  await phone.goto("/settings/security");
  await expect(phone).toHaveURL(/\/login/);

  // This browser is still signed in.
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/dashboard$/);
  await other.close();
});

test("a token revoked in settings is reported revoked at /token_input", async ({ page }) => {
  await registerAndEnrol(page, "tokrev");
  await page.goto("/token");
  const token = await shownAccessToken(page);
  const { jti } = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()) as { jti: string };

  await page.goto("/settings/security");
  const row = page.locator(`[data-testid="access-token-row"][data-jti="${jti}"]`);
  await expect(row).toContainText("Never used");
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByText("The access token was revoked.")).toBeVisible();
  await expect(row).toHaveCount(0);

  await page.goto("/token_input");
  await page.getByLabel("Token").fill(token);
  await page.getByRole("button", { name: "Validate" }).click();
  await expect(page.getByRole("status").filter({ hasText: "revoked" })).toContainText(
    "This token was revoked",
  );
});

test("without JavaScript, signing out this browser's own session in settings signs it out", async ({
  page,
  browser,
}) => {
  const user = await registerAndEnrol(page, "sessnojs");
  const context = await browser.newContext({
    javaScriptEnabled: false,
    extraHTTPHeaders: { "x-forwarded-for": "198.51.100.73" },
  });
  const noJs = await context.newPage();
  await signInWithPassword(noJs, user.username, user.password);
  await noJs.getByLabel("Authentication code").fill(await totpCode(user.secret, 1));
  await noJs.getByRole("button", { name: "Verify" }).click();
  await expect(noJs).toHaveURL(/\/dashboard$/);
  await noJs.goto("/settings/security");
  await noJs
    .getByTestId("session")
    .filter({ hasText: "This browser" })
    .getByRole("button", { name: "Sign out" })
    .click();
  await expect(noJs).toHaveURL(/\/login\?signedOut=1/);
  await noJs.goto("/dashboard");
  await expect(noJs).toHaveURL(/\/login/);
  // The other browser's session is untouched.
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/dashboard$/);
  await context.close();
});
