/** @jest-environment node */
import { randomBytes } from "node:crypto";
import { ensureBuild, freePort, freshSqliteUrl, spawnApp } from "@/__tests__/helpers/next-server";

// Production refuses to start without real secrets (DESIGN §5, ASVS 13.3.1):
// `next start` with a missing or short AUTH_SECRET, JWT_SECRET or
// TOTP_ENCRYPTION_KEY exits non-zero, names the variable, and prints no
// secret (instrumentation.ts -> lib/server/startup.ts).
jest.setTimeout(600_000);

const good = {
  AUTH_SECRET: `auth-${randomBytes(24).toString("hex")}`,
  JWT_SECRET: `jwt-${randomBytes(24).toString("hex")}`,
  TOTP_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
};
type Secrets = Partial<Record<keyof typeof good, string>>;

beforeAll(async () => {
  await ensureBuild();
});

// Starts `next start` and waits for it to exit by itself: no request is
// sent, so the check runs at start-up, not on first use.
async function startWith(secrets: Secrets): Promise<{ code: number | null; output: string }> {
  const child = spawnApp({
    port: await freePort(),
    env: { DATABASE_URL: freshSqliteUrl("production-start"), APP_URL: "https://app.example", ...secrets },
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const timeout = new Promise<"running">((resolve) => setTimeout(() => resolve("running"), 60_000).unref());
  if ((await Promise.race([exited, timeout])) === "running") {
    process.kill(-(child.pid as number), "SIGTERM");
    await exited;
    throw new Error(`next start kept running:\n${child.captured.join("")}`);
  }
  return { code: await exited, output: child.captured.join("") };
}

const without = (name: keyof typeof good): Secrets => ({ ...good, [name]: undefined });

describe("next start in production", () => {
  it.each([
    ["a missing AUTH_SECRET", without("AUTH_SECRET"), ["AUTH_SECRET is missing"]],
    ["a missing JWT_SECRET", without("JWT_SECRET"), ["JWT_SECRET is missing"]],
    ["a missing TOTP_ENCRYPTION_KEY", without("TOTP_ENCRYPTION_KEY"), ["TOTP_ENCRYPTION_KEY is missing"]],
    [
      "a short AUTH_SECRET",
      { ...good, AUTH_SECRET: "short-auth-secret-1234" },
      ["AUTH_SECRET must be at least 32"],
    ],
    [
      "a short JWT_SECRET",
      { ...good, JWT_SECRET: "short-jwt-secret-123456" },
      ["JWT_SECRET must be at least 32"],
    ],
    [
      "a short TOTP_ENCRYPTION_KEY",
      { ...good, TOTP_ENCRYPTION_KEY: randomBytes(16).toString("base64") },
      ["TOTP_ENCRYPTION_KEY must be 32 bytes"],
    ],
    [
      "all three secrets missing",
      {},
      ["AUTH_SECRET is missing", "JWT_SECRET is missing", "TOTP_ENCRYPTION_KEY is missing"],
    ],
  ] as [string, Secrets, string[]][])(
    "refuses to start with %s: exits non-zero, names it, prints no secret",
    async (_name, secrets, messages) => {
      const { code, output } = await startWith(secrets);
      expect(code).not.toBe(0);
      expect(code).not.toBeNull();
      for (const message of messages) expect(output).toContain(message);
      expect(output).toContain("production never generates secrets");
      for (const value of Object.values(secrets)) {
        if (value) expect(output).not.toContain(value);
      }
    },
  );
});
