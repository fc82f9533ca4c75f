/** @jest-environment node */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { checkEnvironmentOrExit, environmentError } from "@/lib/server/platform/startup";

const secrets = {
  AUTH_SECRET: "a".repeat(40),
  JWT_SECRET: "j".repeat(40),
  TOTP_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString("base64"),
};

let project: string;
beforeEach(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), "startup-"));
});
afterEach(() => {
  fs.rmSync(project, { recursive: true, force: true });
});

const legacyEnvLocal = (values: Record<string, string>) =>
  fs.writeFileSync(
    path.join(project, ".env.local"),
    [
      "# Development secrets, generated on first run",
      ...Object.entries(values).map(([k, v]) => `${k}=${v}`),
    ].join("\n"),
  );

describe("environmentError", () => {
  it("is null for production with real secrets", () => {
    expect(environmentError({ NODE_ENV: "production", ...secrets }, project)).toBeNull();
  });

  it("names each missing production secret", () => {
    const message = environmentError({ NODE_ENV: "production" }, project);
    expect(message).toMatch(/AUTH_SECRET/);
    expect(message).toMatch(/JWT_SECRET/);
    expect(message).toMatch(/TOTP_ENCRYPTION_KEY/);
  });

  it("refuses production secrets that an earlier `npm run dev` generated into .env.local, naming them but not their values", () => {
    legacyEnvLocal({ AUTH_SECRET: secrets.AUTH_SECRET, JWT_SECRET: "other-value" });
    const message = environmentError({ NODE_ENV: "production", ...secrets }, project);
    expect(message).toMatch(/^Invalid environment:/);
    expect(message).toMatch(/AUTH_SECRET: comes from \.env\.local/);
    expect(message).not.toMatch(/JWT_SECRET/);
    expect(message).not.toContain(secrets.AUTH_SECRET);
  });

  it("ignores such a .env.local in development, and one without the generated header", () => {
    legacyEnvLocal({ AUTH_SECRET: secrets.AUTH_SECRET });
    expect(environmentError({ NODE_ENV: "development", ...secrets }, project)).toBeNull();
    fs.writeFileSync(path.join(project, ".env.local"), `AUTH_SECRET=${secrets.AUTH_SECRET}\n`);
    expect(environmentError({ NODE_ENV: "production", ...secrets }, project)).toBeNull();
  });
});

describe("checkEnvironmentOrExit", () => {
  it("returns for a good environment and exits with 1 and the message for a bad one", () => {
    const exit = jest.spyOn(process, "exit").mockImplementation((() => undefined) as never);
    const error = jest.spyOn(console, "error").mockImplementation(() => {});
    const saved = { ...process.env };
    try {
      checkEnvironmentOrExit();
      expect(exit).not.toHaveBeenCalled();
      Object.assign(process.env, { NODE_ENV: "production", AUTH_SECRET: "" });
      checkEnvironmentOrExit();
      expect(exit).toHaveBeenCalledWith(1);
      expect(String(error.mock.calls[0]?.[0])).toMatch(/AUTH_SECRET/);
    } finally {
      process.env = saved;
      exit.mockRestore();
      error.mockRestore();
    }
  });
});
