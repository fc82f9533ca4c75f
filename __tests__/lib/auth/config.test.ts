import { authConfig } from "@/lib/auth/config";

const signedInAt = 1_800_000_000;

describe("the edge jwt callback", () => {
  it("takes nothing from an update, whose data any browser can send", async () => {
    const jwt = authConfig.callbacks.jwt as unknown as (params: object) => unknown;
    const token = { sub: "u1", sv: 0, sid: "s1", at: signedInAt };
    const claims = { sv: 9, mfa: true, sid: "s2", at: signedInAt + 60, sub: "u2", sessionVersion: 9 };
    expect(await jwt({ token, trigger: "update", session: claims })).toEqual(token);
    expect(await jwt({ token, trigger: "update", session: claims, user: { id: "u2" } })).toEqual(token);
  });
});

describe("the next-auth logger", () => {
  it("logs an error by its type only, never its message or cause", () => {
    const log = jest.spyOn(console, "error").mockImplementation(() => {});
    const error = Object.assign(new Error("password=hunter2hunter2", { cause: { code: "123456" } }), {
      name: "rW", // a minified class name
      type: "CredentialsSignin",
    });
    authConfig.logger.error(error);
    expect(log.mock.calls).toEqual([["[auth] CredentialsSignin"]]);
    log.mockRestore();
  });
});

describe("authConfig.callbacks.redirect", () => {
  const redirect = (url: string) => authConfig.callbacks.redirect({ url, baseUrl: "http://localhost:3000" });

  it("follows a path or a URL of this site", () => {
    expect(redirect("/dashboard")).toBe("http://localhost:3000/dashboard");
    expect(redirect("http://localhost:3000/login?signedOut=1")).toBe(
      "http://localhost:3000/login?signedOut=1",
    );
  });

  it.each([
    "https://evil.example/",
    "//evil.example",
    "/\t/evil.example",
    "/\\evil.example",
    "javascript:alert(1)",
  ])("sends %j home instead", (url) => {
    expect(redirect(url)).toBe("http://localhost:3000/");
  });
});

describe("the edge jwt callback at sign-in", () => {
  it("writes a two-factor-complete session for the user authorize() returned", async () => {
    const jwt = authConfig.callbacks.jwt as unknown as (params: object) => Promise<Record<string, unknown>>;
    const token = await jwt({
      token: { name: "alice" },
      user: { id: "u1", sessionVersion: 5 },
      trigger: "signIn",
    });
    expect(token).toEqual({
      name: "alice",
      sub: "u1",
      sv: 5,
      mfa: true,
      sid: expect.any(String),
      at: expect.any(Number),
    });
    expect(Math.abs(Number(token.at) - Date.now() / 1000)).toBeLessThan(5);
  });
});

describe("the session cookie's security", () => {
  it("is Secure and prefixed exactly when every other cookie of the app is", async () => {
    const { SECURE_COOKIES } = await import("@/lib/auth/cookie-attributes");
    expect(authConfig.useSecureCookies).toBe(SECURE_COOKIES);
  });
});
