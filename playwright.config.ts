import { spawnSync } from "node:child_process";
import { defineConfig } from "@playwright/test";

// Free ports for the app and the test mail server, chosen once by the main
// process; the workers and the web server inherit them.
const freePort = (): string =>
  spawnSync(
    process.execPath,
    [
      "-e",
      "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})",
    ],
    { encoding: "utf8" },
  ).stdout.trim();
process.env.E2E_PORT ??= freePort();
process.env.E2E_SMTP_PORT ??= freePort();
// The browser speaks to the app as localhost, the origin APP_URL names in
// e2e/serve.mjs: WebAuthn refuses an IP address as RP ID ("This is an invalid
// domain"), and http://localhost is a secure context. The server listens on
// 127.0.0.1, where the readiness check asks (Node may resolve localhost to ::1).
const baseURL = `http://localhost:${process.env.E2E_PORT}`;

export default defineConfig({
  testDir: "e2e",
  // The log check is the browser suite's teardown: it runs after the specs
  // (any subset of them too) and fails the run like any test.
  projects: [
    { name: "browser", testMatch: /.*\.spec\.ts$/, teardown: "server log" },
    { name: "server log", testMatch: /logs\.teardown\.ts$/ },
  ],
  globalSetup: "./e2e/global-setup.ts",
  metadata: { smtpPort: Number(process.env.E2E_SMTP_PORT) },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    // Debian's chromium: Playwright never downloads a browser here.
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    command: "node e2e/serve.mjs",
    url: `http://127.0.0.1:${process.env.E2E_PORT}/`,
    timeout: 240_000,
    reuseExistingServer: false,
    env: { E2E_PORT: process.env.E2E_PORT, E2E_SMTP_PORT: process.env.E2E_SMTP_PORT },
    stdout: "pipe",
    stderr: "pipe",
  },
});
