import type * as CookieAttributes from "@/lib/auth/cookie-attributes";

// The flag is computed once, when the module loads, from APP_URL.
function loadWith(appUrl: string): typeof CookieAttributes & { useSecureCookies: boolean } {
  const saved = process.env.APP_URL;
  process.env.APP_URL = appUrl;
  try {
    let loaded: typeof CookieAttributes | undefined;
    let useSecureCookies = false;
    jest.isolateModules(() => {
      loaded = jest.requireActual<typeof CookieAttributes>("@/lib/auth/cookie-attributes");
      useSecureCookies =
        jest.requireActual<typeof import("@/lib/auth/config")>("@/lib/auth/config").authConfig
          .useSecureCookies;
    });
    return { ...loaded!, useSecureCookies };
  } finally {
    process.env.APP_URL = saved;
  }
}

describe("cookie attributes", () => {
  it("over http: no Secure flag and no prefix, for next-auth too", () => {
    const http = loadWith("http://localhost:3000");
    expect(http.SECURE_COOKIES).toBe(false);
    expect(http.useSecureCookies).toBe(false);
    expect(http.hostCookieName("2fa-challenge")).toBe("2fa-challenge");
    expect(http.COOKIE_ATTRIBUTES).toEqual({ httpOnly: true, sameSite: "lax", path: "/", secure: false });
  });

  it("over https (APP_URL): Secure and __Host- prefixed, and next-auth told the same", () => {
    const https = loadWith("https://app.example");
    expect(https.SECURE_COOKIES).toBe(true);
    expect(https.useSecureCookies).toBe(true);
    expect(https.hostCookieName("known-device")).toBe("__Host-known-device");
    expect(https.COOKIE_ATTRIBUTES).toEqual({ httpOnly: true, sameSite: "lax", path: "/", secure: true });
  });

  it("goes by APP_URL's scheme however it is written", () => {
    expect(loadWith("HTTPS://App.Example/base").SECURE_COOKIES).toBe(true);
    expect(loadWith("http://app.example").SECURE_COOKIES).toBe(false);
  });
});
