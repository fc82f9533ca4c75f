/** @jest-environment node */
import { defaultPasskeyName, passkeyProvider } from "@/lib/server/factors/passkey-names";

const FIREFOX_ON_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

describe("passkeyProvider", () => {
  it("names the well-known providers by their AAGUID, in any case", () => {
    expect(passkeyProvider("ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4")).toBe("Google Password Manager");
    expect(passkeyProvider("FBFC3007-154E-4ECC-8C0B-6E020557D7BD")).toBe("iCloud Keychain");
    expect(passkeyProvider("08987058-cadc-4b81-b6e1-30de50dcbe96")).toBe("Windows Hello");
    expect(passkeyProvider("bada5566-a7aa-401f-bd96-45619a55120d")).toBe("1Password");
    expect(passkeyProvider("d548826e-79b4-db40-a3d8-11116f7e8349")).toBe("Bitwarden");
  });

  it("knows nothing of the all-zero AAGUID of 'none' attestation, or of none at all", () => {
    expect(passkeyProvider("00000000-0000-0000-0000-000000000000")).toBeNull();
    expect(passkeyProvider(undefined)).toBeNull();
    expect(passkeyProvider("constructor")).toBeNull();
  });
});

describe("defaultPasskeyName", () => {
  it("prefers the provider, then the browser, then the plain default", () => {
    expect(defaultPasskeyName("d548826e-79b4-db40-a3d8-11116f7e8349", FIREFOX_ON_LINUX)).toBe("Bitwarden");
    expect(defaultPasskeyName("00000000-0000-0000-0000-000000000000", FIREFOX_ON_LINUX)).toBe(
      "Firefox 133 on Linux",
    );
    expect(defaultPasskeyName(undefined, "")).toBe("Passkey");
  });
});
