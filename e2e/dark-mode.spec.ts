import { checkContrast, type ContrastProblem } from "./contrast";
import {
  emailedVerification,
  expect,
  shownAccessToken,
  shownRecoveryCodes,
  shownSetupKey,
  signInWithPassword,
  signOut,
  submitRegistration,
  test,
  totpCode,
  uniqueUser,
} from "./helpers";

// The check itself, on colours whose ratios are known: it must catch a
// shortfall of a few hundredths, blend translucent backgrounds, read oklch,
// allow 3:1 for large text, and skip what is not drawn or is disabled.
test("the contrast check flags text just under WCAG AA and passes text just over it", async ({ page }) => {
  await page.setContent(`<!DOCTYPE html><html><body style="margin:0;background:#fff">
    <p style="color:#777">fails at 4.48</p>
    <p style="color:#767676">passes at 4.54</p>
    <div style="background:rgb(0 0 0 / 0.5)"><p style="color:#fff">white on half-black over white fails at 3.95</p></div>
    <div style="background:rgb(0 0 0 / 0.5)"><p style="color:#000">black on half-black over white passes at 5.32</p></div>
    <p style="color:oklch(70% 0 0)">light grey in oklch fails</p>
    <h1 style="font-size:24px;font-weight:400;color:#949494">large text passes at 3.03</h1>
    <h1 style="font-size:24px;font-weight:400;color:#959595">large text fails at 2.99</h1>
    <p style="position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);color:#fff">screen readers only</p>
    <button disabled style="color:#ddd">disabled</button>
    <input aria-label="field" style="color:#ccc;background:#fff">
  </body></html>`);
  const report = await checkContrast(page);
  expect(report.problems.map((problem) => problem.text).sort()).toEqual([
    "fails at 4.48",
    "field",
    "large text fails at 2.99",
    "light grey in oklch fails",
    "white on half-black over white fails at 3.95",
  ]);
  expect(report.bodyLuminance).toBe(1);
});

// Every page, in each colour scheme the browser can ask for: the body's
// background follows the scheme, and every visible text meets WCAG AA
// contrast against what it is drawn on (e2e/contrast.ts). One account and
// one browser switching schemes page by page, from an address of its own
// (the test plays the proxy that writes X-Forwarded-For): the suite's other
// registrations already use up 127.0.0.1's hourly allowance.
test("every page follows the light and the dark colour scheme with readable contrast", async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const context = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": "198.51.100.23" } });
  const page = await context.newPage();
  const found: (ContrastProblem & { page: string })[] = [];
  const checked: string[] = [];

  const check = async (name: string): Promise<void> => {
    await page.waitForLoadState("load");
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      const report = await checkContrast(page);
      const where = `${name} (${colorScheme})`;
      expect(report.checked, `${where}: no text found`).toBeGreaterThan(2);
      if (colorScheme === "dark")
        expect.soft(report.bodyLuminance, `${where}: body background`).toBeLessThan(0.05);
      else expect.soft(report.bodyLuminance, `${where}: body background`).toBeGreaterThan(0.85);
      found.push(...report.problems.map((problem) => ({ page: where, ...problem })));
      checked.push(where);
    }
  };

  await page.goto("/");
  await check("/");
  await page.goto("/register");
  await check("/register");

  const user = uniqueUser("dim");
  const since = Date.now();
  await submitRegistration(page, user);
  await expect(page).toHaveURL(/\/verify-email$/);
  await check("/verify-email");
  await page.getByLabel("Verification code").fill((await emailedVerification(user.email, since)).code);
  await page.getByRole("button", { name: "Verify email" }).click();
  await expect(page).toHaveURL(/\/setup-2fa$/);
  await check("/setup-2fa");
  const secret = await shownSetupKey(page);
  await page.getByLabel("Authentication code").fill("000000");
  await page.getByRole("button", { name: "Verify and enable" }).click();
  await expect(page.getByLabel("Authentication code")).toHaveAttribute("aria-invalid", "true");
  await check("/setup-2fa with a wrong code");
  await page.getByLabel("Authentication code").fill(await totpCode(secret));
  await page.getByRole("button", { name: "Verify and enable" }).click();
  await shownRecoveryCodes(page);
  await check("/setup-2fa recovery codes");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await check("/dashboard");

  await page.goto("/settings/security");
  await expect(page.getByRole("heading", { name: "Recent security events" })).toBeVisible();
  await check("/settings/security");

  await page.goto("/token");
  const token = await shownAccessToken(page);
  await check("/token");

  await page.goto("/token_input");
  await check("/token_input");
  await page.getByLabel("Token").fill(token);
  await page.getByRole("button", { name: "Validate" }).click();
  await expect(page.getByRole("status").filter({ hasText: /^Valid:/ })).toBeVisible();
  await check("/token_input, valid");
  await page.getByLabel("Token").fill("not-a-token");
  await page.getByRole("button", { name: "Validate" }).click();
  await expect(page.getByRole("status").filter({ hasText: /not a well-formed token/ })).toBeVisible();
  await check("/token_input, malformed");

  const missing = await page.goto("/no-such-page");
  expect(missing?.status()).toBe(404);
  await check("404");

  const unavailable = await page.goto("/unavailable?from=%2Fdashboard");
  expect(unavailable?.status()).toBe(503);
  await check("/unavailable");

  await page.goto("/dashboard");
  await signOut(page);
  await signInWithPassword(page, user.username, "wrong password 1");
  await expect(page.getByText("Invalid username or password")).toBeVisible();
  await check("/login, wrong password");
  await signInWithPassword(page, user.username, user.password);
  await expect(page).toHaveURL(/\/login\/verify/);
  await check("/login/verify");
  await page.getByRole("link", { name: "Use a recovery code" }).click();
  await expect(page).toHaveURL(/method=recovery/);
  await check("/login/verify, recovery code");

  expect(found).toEqual([]);
  expect(checked).toHaveLength(34);
  await context.close();
});
