import type { CDPSession, Locator, Page } from "@playwright/test";
import { rememberSecret } from "./secrets";

// Chromium's virtual authenticator (PLATFORM.md "Passkeys"), driven over the
// DevTools protocol: a platform authenticator that holds discoverable
// credentials and verifies its user at every prompt, without any dialog. It
// lives in the page it was added to (navigations keep it); a page of another
// browser context has its own, empty unless given one. It needs the app at
// http://localhost: WebAuthn refuses an IP address as RP ID.
export type VirtualAuthenticator = { cdp: CDPSession; authenticatorId: string };

export async function addVirtualAuthenticator(page: Page): Promise<VirtualAuthenticator> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
    },
  });
  return { cdp, authenticatorId };
}

// How many credentials the authenticator holds. Their private keys are
// recorded for the log check (e2e/logs.teardown.ts): the server never sees
// them, so one in its log would mean the suite's own plumbing leaked.
export async function heldCredentials({ cdp, authenticatorId }: VirtualAuthenticator): Promise<number> {
  const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
  rememberSecret("passkey private key", ...credentials.map((credential) => credential.privateKey));
  return credentials.length;
}

// The settings page's "Passkeys" section.
export function passkeysSection(page: Page): Locator {
  return page
    .locator("section")
    .filter({ has: page.getByRole("heading", { name: "Passkeys", exact: true }) });
}

// Adds a passkey on /settings/security (already open) with the password and a
// current code; the virtual authenticator answers the browser's prompt.
export async function addPasskey(page: Page, password: string, code: string, name?: string): Promise<void> {
  const form = passkeysSection(page)
    .locator("form")
    .filter({ has: page.getByRole("button", { name: "Add a passkey" }) });
  if (name !== undefined) await form.getByLabel("Passkey name").fill(name);
  await form.getByLabel("Current password").fill(password);
  await form.getByLabel("Current code").fill(code);
  await form.getByRole("button", { name: "Add a passkey" }).click();
}

// "Sign in with a passkey" on /login: the whole sign-in, no password.
export async function signInWithPasskey(page: Page): Promise<void> {
  await page.goto("/login");
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
}
