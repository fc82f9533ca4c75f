import { authConfig, isCompleteSession, SESSION_MAX_AGE_SECONDS } from "@/lib/auth/config";

const signedInAt = 1_800_000_000;
const session = {
  user: { id: "u1" },
  twoFactorComplete: true,
  sessionId: "s1",
  authenticatedAt: signedInAt,
};

describe("isCompleteSession", () => {
  it("accepts a session that passed both factors within its lifetime", () => {
    expect(isCompleteSession(session, (signedInAt + 60) * 1000)).toBe(true);
  });

  it("refuses a session past its absolute lifetime, however recently its cookie was renewed", () => {
    expect(isCompleteSession(session, (signedInAt + SESSION_MAX_AGE_SECONDS + 1) * 1000)).toBe(false);
  });

  it("refuses a session without the second factor, a session id or a sign-in time", () => {
    const now = (signedInAt + 60) * 1000;
    expect(isCompleteSession({ ...session, twoFactorComplete: false }, now)).toBe(false);
    expect(isCompleteSession({ ...session, sessionId: "" }, now)).toBe(false);
    expect(isCompleteSession({ ...session, authenticatedAt: undefined }, now)).toBe(false);
    expect(isCompleteSession(null, now)).toBe(false);
  });

  it("refuses a sign-in time from the future beyond a minute of clock difference", () => {
    expect(isCompleteSession(session, (signedInAt - 30) * 1000)).toBe(true);
    expect(isCompleteSession(session, (signedInAt - 600) * 1000)).toBe(false);
  });
});

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
