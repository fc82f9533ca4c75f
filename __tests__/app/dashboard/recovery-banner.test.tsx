/** @jest-environment node */
import type { ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import DashboardPage from "@/app/dashboard/page";
import { verifyAction } from "@/app/login/verify/actions";
import { regenerateRecoveryCodesAction } from "@/app/settings/security/actions";
import { freshIp, passPasswordStep, signInFully } from "@/__tests__/kit/attacker";
import { Browser } from "@/__tests__/kit/browsers";
import { form, runAction } from "@/__tests__/kit/request-scope";
import { createEnrolledUser, currentCode, type TestUser } from "@/__tests__/kit/users";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);
// next/cache needs Next's request store, which jest has not.
jest.mock("next/cache", () => ({ revalidatePath: jest.fn() }));

const BANNER = "You signed in with a recovery code";

async function signInWithRecoveryCode(browser: Browser, user: TestUser, index = 0): Promise<string> {
  await passPasswordStep(browser, user);
  const code = user.recoveryCodes[index];
  const done = await browser.run(() => runAction(() => verifyAction({}, form({ method: "recovery", code }))));
  return done.redirectedTo ?? "";
}

// The dashboard as a GET renders it, with the query a link may carry: Next
// hands every page its searchParams, whether it reads them or not.
type AnyPage = (props: { searchParams: Promise<Record<string, string>> }) => Promise<ReactElement>;
const dashboard = (browser: Browser, query: Record<string, string> = {}) =>
  browser.run(async () =>
    renderToStaticMarkup(await (DashboardPage as AnyPage)({ searchParams: Promise.resolve(query) })),
  );

describe("the dashboard's recovery-code banner", () => {
  it("shows after a sign-in with a recovery code, with the codes left", async () => {
    const user = await createEnrolledUser();
    const browser = new Browser(freshIp());
    expect(await signInWithRecoveryCode(browser, user)).toMatch(/^\/dashboard/);
    const html = await dashboard(browser);
    expect(html).toContain(BANNER);
    expect(html).toContain("You have 9 recovery codes left.");
  });

  it("does not show to a session that signed in with the authenticator app, whatever the link says", async () => {
    const user = await createEnrolledUser();
    const browser = new Browser(freshIp());
    await signInFully(browser, user);
    expect(await dashboard(browser, { recoveryCodesLeft: "0" })).not.toContain(BANNER);
  });

  it("belongs to the session that used the code, not to the account's other sessions", async () => {
    const user = await createEnrolledUser();
    const laptop = new Browser(freshIp());
    await signInFully(laptop, user);
    // A later second, so that the two sign-ins are told apart.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const phone = new Browser(freshIp());
    await signInWithRecoveryCode(phone, user);
    expect(await dashboard(phone)).toContain(BANNER);
    expect(await dashboard(laptop)).not.toContain(BANNER);
  });

  it("goes once new recovery codes were made", async () => {
    const user = await createEnrolledUser();
    const browser = new Browser(freshIp());
    await signInWithRecoveryCode(browser, user);
    const code = await currentCode(user.secret);
    const regenerated = await browser.run(() =>
      runAction(() => regenerateRecoveryCodesAction({}, form({ password: user.password, code }))),
    );
    expect(regenerated.result?.recoveryCodes).toHaveLength(10);
    expect(await dashboard(browser)).not.toContain(BANNER);
  });
});
