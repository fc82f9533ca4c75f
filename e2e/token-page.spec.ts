import type { Page } from "@playwright/test";
import { expect, fromOwnAddress, registerAndEnrol, test } from "./helpers";

fromOwnAddress(21);

// React reports a hydration mismatch as "Hydration failed ..." / "... did not
// match" in development, and as minified errors #418, #423 or #425 in a
// production build (https://react.dev/errors/418); either reaches the console
// or the page's error event.
const HYDRATION = /hydrat|did not match|#418|#423|#425/i;

function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(`${error.name}: ${error.message}`));
  return errors;
}

test.describe("/token in a browser whose time zone is not the server's", () => {
  test.use({ timezoneId: "Asia/Kolkata", locale: "en-GB" });

  test("hydrates without a mismatch on every load, and counts down", async ({ page }) => {
    await registerAndEnrol(page, "hyd");
    const errors = collectErrors(page);
    // The old countdown rendered Date.now() on both sides, so a load whose
    // hydration came a second after the server's render mismatched. Holding
    // the scripts back for longer than that makes every load such a load.
    await page.route("**/_next/static/**/*.js", async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      await route.continue();
    });
    for (let load = 0; load < 2; load += 1) {
      await page.goto("/token");
      await page.waitForLoadState("networkidle");
      await page.waitForTimeout(500);
    }
    await page.unroute("**/_next/static/**/*.js");
    expect(errors.filter((text) => HYDRATION.test(text))).toEqual([]);
    expect(errors).toEqual([]);

    const countdown = page.getByTestId("token-countdown");
    const before = await countdown.textContent();
    await expect(countdown).not.toHaveText(before ?? "");
  });

  test("shows the expiry in the viewer's time zone, with the exact time in a <time> element", async ({
    page,
  }) => {
    await registerAndEnrol(page, "tz");
    await page.goto("/token");
    const time = page.getByTestId("token-expiry").locator("time");
    await expect(time).toHaveCount(1);
    const iso = (await time.getAttribute("datetime")) ?? "";
    expect(iso).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    const expected = new Intl.DateTimeFormat("en-GB", {
      hour: "2-digit",
      minute: "2-digit",
      timeZone: "Asia/Kolkata",
    }).format(new Date(iso));
    await expect(time).toHaveText(expected);
    await expect(page.getByTestId("token-expiry")).toHaveText(
      new RegExp(`^Expires at ${expected} \\(in 1[45] minutes\\)$`),
    );
    await expect(time).toHaveAttribute("title", /2026|20\d\d/);
    await expect(page.getByText(iso)).toHaveCount(0);
  });

  test("says that a new token revokes the old one, and that settings revoke them one by one", async ({
    page,
  }) => {
    await registerAndEnrol(page, "old");
    await page.goto("/token");
    await expect(page.getByText(/Issuing a new token revokes this one/)).toBeVisible();
    await expect(page.getByText(/revoke tokens one by one in your/)).toBeVisible();
    await page.getByRole("button", { name: "Issue a new token" }).click();
    await expect(
      page.getByText("A new token was issued, and the one it replaces was revoked."),
    ).toBeVisible();
  });
});

test.describe("/token without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("renders the expiry and time left on the server", async ({ browser }) => {
    const withJs = await browser.newPage({ javaScriptEnabled: true });
    await registerAndEnrol(withJs, "nojs");
    const cookies = await withJs.context().cookies();
    const context = await browser.newContext({ javaScriptEnabled: false });
    await context.addCookies(cookies);
    const page = await context.newPage();
    await page.goto("/token");
    await expect(page.getByTestId("token-expiry")).toHaveText(
      /^Expires at \d\d:\d\d UTC \(in 1[45] minutes\)$/,
    );
    await context.close();
  });
});
