/** @jest-environment node */
import { env, loadEnv } from "@/lib/server/platform/env";

describe("env", () => {
  it("answers the parsed environment, with its defaults and types", () => {
    expect(env.APP_URL).toBe(process.env.APP_URL);
    expect(env.DATABASE_URL).toBe(process.env.DATABASE_URL);
    expect(typeof env.ACCESS_TOKEN_TTL).toBe("number");
    expect(env.EMAIL_SECOND_FACTOR).toBe(true);
    expect(env.TRUSTED_PROXY_HOPS).toBe(1);
  });

  it("parses process.env once, on first use: later changes are not seen", () => {
    const first = loadEnv();
    const before = env.APP_URL;
    process.env.APP_URL = "https://changed.example.test";
    try {
      expect(loadEnv()).toBe(first);
      expect(env.APP_URL).toBe(before);
    } finally {
      process.env.APP_URL = before;
    }
  });
});

describe("env before its first use", () => {
  it("is not parsed at import, so a bad environment fails only where it is read", () => {
    jest.isolateModules(() => {
      const saved = process.env.TOTP_ENCRYPTION_KEY;
      process.env.TOTP_ENCRYPTION_KEY = "too-short";
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh copy of the module
        const fresh = require("@/lib/server/platform/env") as typeof import("@/lib/server/platform/env");
        expect(() => fresh.env.TOTP_ENCRYPTION_KEY).toThrow(/TOTP_ENCRYPTION_KEY/);
      } finally {
        process.env.TOTP_ENCRYPTION_KEY = saved;
      }
    });
  });
});
