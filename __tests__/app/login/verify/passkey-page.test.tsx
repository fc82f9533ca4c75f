/** @jest-environment node */
import { renderToStaticMarkup } from "react-dom/server";
import { loginAction } from "@/app/login/actions";
import LoginPage from "@/app/login/page";
import VerifyPage from "@/app/login/verify/page";
import { freshIp } from "@/__tests__/kit/names";
import { createPasskeyUser } from "@/__tests__/kit/passkey-users";
import { browser, form, runAction } from "@/__tests__/kit/request-scope";
import { createEnrolledUser, type TestUser } from "@/__tests__/kit/users";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/request-scope").nextHeaders);

// The server render of a passkey button: PasskeyCeremony (app/_components)
// shows its button once the browser runs it, and until then only this note.
const PASSKEY_BUTTON = "Passkeys need JavaScript";

async function passPasswordStep(user: TestUser): Promise<void> {
  browser.reset(freshIp());
  const { redirectedTo } = await runAction(() =>
    loginAction({}, form({ identifier: user.username, password: user.password })),
  );
  expect(redirectedTo).toMatch(/^\/login\/verify/);
}

async function loadVerifyPage(params: Record<string, string> = {}): Promise<string> {
  const html = renderToStaticMarkup(await VerifyPage({ searchParams: Promise.resolve(params) }));
  return html.replaceAll("<!-- -->", "");
}

describe("/login/verify with passkeys", () => {
  it("offers a passkey only to an account that has one", async () => {
    const plain = await createEnrolledUser();
    await passPasswordStep(plain);
    const without = await loadVerifyPage({ method: "passkey" });
    expect(without).not.toContain(PASSKEY_BUTTON);
    expect(without).toContain("Authentication code");

    const holder = await createPasskeyUser();
    await passPasswordStep(holder);
    const html = await loadVerifyPage();
    expect(html).toContain(PASSKEY_BUTTON);
    // The authenticator app still leads for an account enrolled with it.
    expect(html).toContain("Enter the code from your authenticator app to finish signing in.");
    expect(html).toContain("Authentication code");
  });

  it("leads with the passkey for an account enrolled with one, with a recovery code and an emailed code as other ways", async () => {
    const user = await createPasskeyUser({ method: "passkey" });
    await passPasswordStep(user);
    const html = await loadVerifyPage();
    expect(html).toContain("Use your passkey to finish signing in.");
    expect(html).toContain(PASSKEY_BUTTON);
    expect(html).not.toContain("Authentication code");
    expect(html).toContain("Use a recovery code");
    expect(html).toContain("Email me a code");
    expect(html).not.toContain("Use your authenticator app");

    const recovery = await loadVerifyPage({ method: "recovery" });
    expect(recovery).toContain("Recovery code");
    expect(recovery).toContain(PASSKEY_BUTTON);
  });
});

describe("/login", () => {
  it("offers a passkey sign-in beside the password form", async () => {
    browser.reset(freshIp());
    const html = renderToStaticMarkup(await LoginPage({ searchParams: Promise.resolve({}) }));
    expect(html).toContain("Username or email");
    expect(html).toContain(PASSKEY_BUTTON);
  });
});
