import { createRequire } from "node:module";
import path from "node:path";
import {
  expect,
  fromOwnAddress,
  registerAndEnrol,
  rememberSecret,
  signInWithPassword,
  signOut,
  test,
  totpCode,
} from "./helpers";
import { waitForMail } from "./smtp-sink";

fromOwnAddress(61);

// better-sqlite3 ships no types: the one call this spec makes.
type SqliteDatabase = { prepare(sql: string): { run(...params: unknown[]): unknown }; close(): void };
const Database = createRequire(__filename)("better-sqlite3") as new (file: string) => SqliteDatabase;

// A reset link goes only to a verified address. Until registration verifies
// the address itself, the spec marks it verified in the server's database
// (e2e/serve.mjs), as a verification would.
function markVerified(username: string): void {
  const database = new Database(path.resolve(__dirname, "..", ".tmp", "e2e", "e2e.db"));
  try {
    database
      .prepare(
        'UPDATE "User" SET "emailVerifiedAt" = "createdAt" WHERE "username" = ? AND "emailVerifiedAt" IS NULL',
      )
      .run(username);
  } finally {
    database.close();
  }
}

test("forgot password: the emailed link, a recovery code, a new password, then sign in with it", async ({
  page,
}) => {
  const user = await registerAndEnrol(page, "rosa");
  markVerified(user.username);
  await signOut(page);

  await page.goto("/login");
  await page.getByRole("link", { name: "Forgot password?" }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  const since = Date.now();
  await page.getByLabel("Username or email").fill(user.email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByRole("status")).toContainText("If that account exists");

  const mail = await waitForMail(user.email, "Reset your password", since);
  const link = /https?:\/\/\S+\/reset-password\?token=[A-Za-z0-9_-]+/.exec(mail.text)?.[0] ?? "";
  expect(link).not.toBe("");
  rememberSecret("reset link token", new URL(link).searchParams.get("token") ?? "");

  await page.goto(link);
  await expect(page.getByLabel("Authentication code")).toBeVisible();
  // The authenticator's next step is kept for the sign-in at the end.
  await page.getByRole("link", { name: "Use a recovery code" }).click();
  await page.getByLabel("Recovery code").fill(user.recoveryCodes[0]);
  await page.getByRole("button", { name: "Continue" }).click();

  const newPassword = `a new passphrase for ${user.username.slice(-4)} only`;
  rememberSecret("password", newPassword);
  await page.getByLabel("New password").fill(newPassword);
  await page.getByRole("button", { name: "Reset password" }).click();
  await expect(page).toHaveURL(/\/login\?reset=1$/);
  await expect(page.getByText("Your password was changed. Sign in with the new one.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign out" })).toHaveCount(0);
  const notice = await waitForMail(user.email, "Your password was reset", since);
  expect(notice.text).toContain("IP address");

  // The link works once.
  await page.goto(link);
  await expect(page.getByText("This reset link is not valid or was already used.")).toBeVisible();

  await signInWithPassword(page, user.username, user.password);
  await expect(page.getByText("Invalid username or password")).toBeVisible();
  await signInWithPassword(page, user.username, newPassword);
  await page.getByLabel("Authentication code").fill(await totpCode(user.secret, 1));
  await page.getByRole("button", { name: "Verify", exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
});
