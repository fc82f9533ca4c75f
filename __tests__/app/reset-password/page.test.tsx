/** @jest-environment node */
import { renderToStaticMarkup } from "react-dom/server";
import { resetFactorAction } from "@/app/reset-password/actions";
import ResetPasswordPage from "@/app/reset-password/page";
import { createAccount } from "@/__tests__/kit/account-codes";
import { Browser } from "@/__tests__/kit/browsers";
import { freshIp } from "@/__tests__/kit/names";
import { form, runAction } from "@/__tests__/kit/request-scope";
import { createEnrolledUser } from "@/__tests__/kit/users";
import { issueResetLink } from "@/lib/server/accounts/password-reset";
import { db } from "@/lib/server/platform/db";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);

// Loads /reset-password as the browser would (a GET: server render only).
const load = (browser: Browser, params: Record<string, string>) =>
  browser.run(async () =>
    renderToStaticMarkup(await ResetPasswordPage({ searchParams: Promise.resolve(params) })).replaceAll(
      "<!-- -->",
      "",
    ),
  );

async function linkFor(userId: string): Promise<string> {
  const issued = await issueResetLink(userId, freshIp());
  if (!issued.ok) throw new Error(`expected a link, got ${issued.reason}`);
  return issued.token;
}

describe("/reset-password", () => {
  it("says plainly that a bad or expired link cannot be used, with a way to ask again", async () => {
    const browser = new Browser(freshIp());
    const cases: Record<string, string>[] = [{}, { token: "forged" }];
    for (const params of cases) {
      const html = await load(browser, params);
      expect(html).toContain("This reset link is not valid or was already used. Ask for a new one.");
      expect(html).toContain('href="/forgot-password"');
      expect(html).not.toContain("<form");
    }
    const account = await createAccount();
    const token = await linkFor(account.id);
    await db.accountCode.updateMany({
      where: { userId: account.id },
      data: { expiresAt: new Date(Date.now() - 1) },
    });
    expect(await load(browser, { token })).toContain("This reset link has expired. Ask for a new one.");
  });

  it("asks an app account for its authenticator code, with a recovery code as the other way", async () => {
    const user = await createEnrolledUser();
    await db.user.update({ where: { id: user.id }, data: { emailVerifiedAt: new Date() } });
    const token = await linkFor(user.id);
    const browser = new Browser(freshIp());
    const html = await load(browser, { token });
    expect(html).toContain("Authentication code");
    expect(html).toContain("Use a recovery code");
    expect(html).toContain(">Continue</button>");
    expect(html).not.toContain("New password");
    expect(await load(browser, { token, method: "recovery" })).toContain("Recovery code");
  });

  it("asks an email-only account for a recovery code, never an authenticator code", async () => {
    const account = await createAccount({ twoFactorMethod: "email" });
    const html = await load(new Browser(freshIp()), { token: await linkFor(account.id), method: "totp" });
    expect(html).toContain("Recovery code");
    expect(html).toContain("this link came by email");
    expect(html).not.toContain("Authentication code");
  });

  it("shows the new-password form only to the browser that proved the factor", async () => {
    const user = await createEnrolledUser();
    await db.user.update({ where: { id: user.id }, data: { emailVerifiedAt: new Date() } });
    const token = await linkFor(user.id);
    const browser = new Browser(freshIp());
    await browser.run(() =>
      runAction(() =>
        resetFactorAction({}, form({ token, method: "recovery", code: user.recoveryCodes[0] })),
      ),
    );
    const html = await load(browser, { token });
    expect(html).toContain("New password");
    expect(html).toContain(">Reset password</button>");
    const elsewhere = await load(new Browser(freshIp()), { token });
    expect(elsewhere).not.toContain("New password");
    expect(elsewhere).toContain("Ask for a new link");
  });
});
