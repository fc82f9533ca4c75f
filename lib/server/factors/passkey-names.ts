import "server-only";
import { describeBrowser, UNKNOWN_BROWSER } from "../platform/request-labels";
import { PASSKEYS } from "../policy";

// The name a passkey gets when its owner gave none: the provider that holds
// it when its AAGUID says so, else the browser it was made in. AAGUIDs from
// the community list passkeydeveloper/passkey-authenticator-aaguids (meant
// for naming passkeys in settings, nothing else); under "none" attestation
// they are the authenticator's word, never a security fact.
const PROVIDERS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4": "Google Password Manager",
    "fbfc3007-154e-4ecc-8c0b-6e020557d7bd": "iCloud Keychain",
    "dd4ec289-e01d-41c9-bb89-70fa845d4bf2": "iCloud Keychain",
    "08987058-cadc-4b81-b6e1-30de50dcbe96": "Windows Hello",
    "9ddd1817-af5a-4672-a2b9-3e3dd95000a9": "Windows Hello",
    "6028b017-b1d4-4c02-b4b3-afcdafc96bb2": "Windows Hello",
    "bada5566-a7aa-401f-bd96-45619a55120d": "1Password",
    "d548826e-79b4-db40-a3d8-11116f7e8349": "Bitwarden",
  }),
);

export function passkeyProvider(aaguid: string | null | undefined): string | null {
  return PROVIDERS.get(aaguid?.trim().toLowerCase() ?? "") ?? null;
}

export function defaultPasskeyName(aaguid: string | null | undefined, userAgent: string): string {
  const provider = passkeyProvider(aaguid);
  if (provider) return provider;
  const browser = describeBrowser(userAgent);
  return browser === UNKNOWN_BROWSER ? PASSKEYS.defaultName : browser;
}
