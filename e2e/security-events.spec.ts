import { expect, registerAndEnrol, test } from "./helpers";

const pad = (value: number): string => String(value).padStart(2, "0");

test("the security events show the time in the viewer's time zone and the browser by name", async ({
  browser,
}) => {
  // As a proxy would write it for a browser on the server's own machine; an
  // address of its own, too, as the suite's other registrations use up
  // 127.0.0.1's hourly allowance.
  const context = await browser.newContext({
    timezoneId: "Asia/Tokyo",
    locale: "en-GB",
    extraHTTPHeaders: { "x-forwarded-for": "::1" },
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  await registerAndEnrol(page, "kei");
  await page.goto("/settings/security");

  const row = page.getByRole("row").filter({ hasText: "Two-factor authentication turned on" });
  const time = row.locator("time");
  await expect(time).toHaveAttribute("datetime", /^\d{4}-/);
  const iso = (await time.getAttribute("datetime")) ?? "";
  const at = new Date(iso);
  expect(Number.isNaN(at.getTime())).toBe(false);
  // Tokyo is UTC+9 all year round.
  const tokyo = new Date(at.getTime() + 9 * 3600_000);
  const tokyoClock = new RegExp(`\\b0?${tokyo.getUTCHours()}:${pad(tokyo.getUTCMinutes())}\\b`);
  const utcClock = `${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}`;
  await expect(time).toHaveText(tokyoClock);
  await expect(time).toContainText(String(tokyo.getUTCFullYear()));
  await expect(time).not.toContainText(utcClock);
  await expect(time).not.toContainText("UTC");
  // The exact time, to the second, on hover.
  const exact = `${tokyo.getUTCHours()}:${pad(tokyo.getUTCMinutes())}:${pad(tokyo.getUTCSeconds())}`;
  await expect(time).toHaveAttribute("title", new RegExp(`\\b0?${exact}\\b`));

  await expect(row.getByRole("cell", { name: /^Chrome \d+ on Linux$/ })).toBeVisible();
  await expect(row).not.toContainText("Mozilla");
  await expect(row.getByRole("cell", { name: "the server itself (::1)", exact: true })).toBeVisible();
  await expect(page.getByRole("columnheader", { name: "Time", exact: true })).toBeVisible();
  expect(problems.filter((problem) => /hydrat|did not match/i.test(problem))).toEqual([]);
  await context.close();
});
