/** @jest-environment node */
import { EnvError, parseEnv } from "@/lib/server/env-schema";

const secrets = {
  AUTH_SECRET: "a".repeat(32),
  JWT_SECRET: "j".repeat(32),
  TOTP_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64"),
};

describe("parseEnv", () => {
  it("fills in the documented defaults", () => {
    const env = parseEnv({ NODE_ENV: "development", ...secrets });
    expect(env).toMatchObject({
      DATABASE_URL: "file:./data/app.db",
      ACCESS_TOKEN_TTL: 900,
      APP_URL: "http://localhost:3000",
      EMAIL_SECOND_FACTOR: true,
      TRUSTED_PROXY_HOPS: 1,
    });
    expect(env.SMTP_URL).toBeUndefined();
  });

  it("refuses to start production without secrets, naming each variable", () => {
    expect(() => parseEnv({ NODE_ENV: "production" })).toThrow(EnvError);
    expect(() => parseEnv({ NODE_ENV: "production" })).toThrow(
      /AUTH_SECRET is missing[\s\S]*JWT_SECRET is missing[\s\S]*TOTP_ENCRYPTION_KEY is missing/,
    );
  });

  it("refuses short secrets and a key that is not 32 bytes", () => {
    expect(() => parseEnv({ NODE_ENV: "production", ...secrets, JWT_SECRET: "short" })).toThrow(
      /JWT_SECRET must be at least 32 characters/,
    );
    expect(() =>
      parseEnv({
        NODE_ENV: "production",
        ...secrets,
        TOTP_ENCRYPTION_KEY: Buffer.alloc(16).toString("base64"),
      }),
    ).toThrow(/TOTP_ENCRYPTION_KEY must be 32 bytes/);
  });

  it("treats empty values as unset and parses flags and numbers", () => {
    const env = parseEnv({
      ...secrets,
      SMTP_URL: "",
      EMAIL_SECOND_FACTOR: "false",
      ACCESS_TOKEN_TTL: "300",
      TRUSTED_PROXY_HOPS: "2",
    });
    expect(env).toMatchObject({ EMAIL_SECOND_FACTOR: false, ACCESS_TOKEN_TTL: 300, TRUSTED_PROXY_HOPS: 2 });
    expect(env.SMTP_URL).toBeUndefined();
  });

  it("never puts a secret's value into its error message", () => {
    const shortSecret = "tooshort-but-secret";
    try {
      parseEnv({ NODE_ENV: "production", ...secrets, AUTH_SECRET: shortSecret });
      throw new Error("expected parseEnv to throw");
    } catch (error) {
      expect(error).toBeInstanceOf(EnvError);
      expect((error as Error).message).not.toContain(shortSecret);
    }
  });
});
