/** @jest-environment node */
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { freePort, startSmtpServer, type TestServer } from "@/__tests__/kit/smtp-server";
import * as newSignIn from "@/emails/new-sign-in";
import * as signInCode from "@/emails/sign-in-code";
import * as welcome from "@/emails/welcome";

const CODE = "739264";
const RECIPIENT = "ada@example.com";
const MAIL_FROM = "Two-Factor App <no-reply@2fa.test>";
const signInProps = { username: "ada", code: CODE, expiresInMinutes: 10 };

// lib/server/platform/env.ts parses the environment once, so each test loads fresh modules.
async function load(env: { SMTP_URL?: string; MAIL_OUTBOX_DIR?: string }) {
  if (env.SMTP_URL) process.env.SMTP_URL = env.SMTP_URL;
  else delete process.env.SMTP_URL;
  if (env.MAIL_OUTBOX_DIR) process.env.MAIL_OUTBOX_DIR = env.MAIL_OUTBOX_DIR;
  jest.resetModules();
  const nodemailer = (await import("nodemailer")).default;
  const mailer = await import("@/lib/server/mail/mailer");
  return { nodemailer, mailer };
}

const originalEnv = { ...process.env };
let servers: TestServer[] = [];

beforeEach(() => {
  process.env.MAIL_FROM = MAIL_FROM;
});

afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
  for (const key of Object.keys(process.env)) if (!(key in originalEnv)) delete process.env[key];
  Object.assign(process.env, originalEnv);
  jest.restoreAllMocks();
});

const smtpUrl = (port: number): string => `smtp://127.0.0.1:${port}/?ignoreTLS=true`;

describe("sendMail through SMTP", () => {
  it("delivers the sign-in code in the body, never in a header", async () => {
    const server = await startSmtpServer();
    servers.push(server);
    const { mailer } = await load({ SMTP_URL: smtpUrl(server.port) });
    const arrived = server.next();

    await expect(mailer.sendTemplate(signInCode, RECIPIENT, signInProps)).resolves.toEqual({ ok: true });
    const { mail, envelope } = await arrived;

    expect(mail.subject).toBe("Your sign-in code");
    expect(mail.to).toMatchObject({ text: RECIPIENT });
    expect(mail.from).toMatchObject({ value: [{ address: "no-reply@2fa.test", name: "Two-Factor App" }] });
    expect(envelope).toEqual({ from: "no-reply@2fa.test", to: [RECIPIENT] });
    expect(mail.text).toContain(CODE);
    expect(mail.html).toContain(CODE);
    expect(mail.headerLines.length).toBeGreaterThan(3);
    for (const { line } of mail.headerLines) expect(line).not.toContain(CODE);
  });

  it("creates the transport once and reuses it", async () => {
    const server = await startSmtpServer();
    servers.push(server);
    const { nodemailer, mailer } = await load({ SMTP_URL: smtpUrl(server.port) });
    const createTransport = jest.spyOn(nodemailer, "createTransport");

    await mailer.sendTemplate(welcome, RECIPIENT, { username: "ada", appUrl: "http://localhost:3000" });
    await mailer.sendTemplate(newSignIn, RECIPIENT, {
      username: "ada",
      time: "now",
      ip: "203.0.113.7",
      browser: "Firefox",
      method: "Authenticator app",
      settingsUrl: "http://localhost:3000/settings/security",
    });

    expect(createTransport).toHaveBeenCalledTimes(1);
    expect(server.received.map((message) => message.mail.subject)).toEqual([
      "Welcome to Two-Factor App",
      "New sign-in to your account",
    ]);
  });

  it("logs only an error code when the server rejects the message", async () => {
    const server = await startSmtpServer(0, `550 rejected: ${CODE}`);
    servers.push(server);
    const { mailer } = await load({ SMTP_URL: smtpUrl(server.port) });
    const logError = jest.spyOn(console, "error").mockImplementation(() => {});

    await expect(mailer.sendTemplate(signInCode, RECIPIENT, signInProps)).resolves.toEqual({ ok: false });

    expect(logError).toHaveBeenCalledTimes(1);
    expect(logError.mock.calls[0].join(" ")).toBe(
      `[mail] could not send "Your sign-in code" to ${RECIPIENT}: EMESSAGE`,
    );
  });

  it("fails fast without throwing when the server is down, and a retry succeeds once it is up", async () => {
    const port = await freePort();
    const { mailer } = await load({ SMTP_URL: smtpUrl(port) });
    const logError = jest.spyOn(console, "error").mockImplementation(() => {});

    const started = Date.now();
    await expect(mailer.sendTemplate(signInCode, RECIPIENT, signInProps)).resolves.toEqual({ ok: false });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(logError).toHaveBeenCalledTimes(1);
    const line = logError.mock.calls[0].join(" ");
    expect(line).toMatch(
      new RegExp(`^\\[mail\\] could not send "Your sign-in code" to ${RECIPIENT}: E[A-Z]+$`),
    );
    expect(line).not.toContain(CODE);

    const server = await startSmtpServer(port);
    servers.push(server);
    const arrived = server.next();
    await expect(mailer.sendTemplate(signInCode, RECIPIENT, signInProps)).resolves.toEqual({ ok: true });
    expect((await arrived).mail.text).toContain(CODE);
  });

  it("gives up within the greeting timeout on a server that accepts but never answers", async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const { mailer } = await load({ SMTP_URL: smtpUrl(port) });
      const logError = jest.spyOn(console, "error").mockImplementation(() => {});

      const started = Date.now();
      await expect(mailer.sendTemplate(signInCode, RECIPIENT, signInProps)).resolves.toEqual({ ok: false });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(logError.mock.calls[0].join(" ")).toMatch(/: ETIMEDOUT$/);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 15_000);
});

describe("sendMail without SMTP_URL", () => {
  it("writes the message to a private outbox folder and prints where, without the code", async () => {
    const outbox = path.join(originalEnv.MAIL_OUTBOX_DIR ?? ".tmp/outbox", `mailer-${Date.now()}`);
    const { mailer } = await load({ MAIL_OUTBOX_DIR: path.relative(process.cwd(), outbox) });
    const logInfo = jest.spyOn(console, "info").mockImplementation(() => {});
    const logLine = jest.spyOn(console, "log").mockImplementation(() => {});

    await expect(mailer.sendTemplate(signInCode, RECIPIENT, signInProps)).resolves.toEqual({ ok: true });

    const [folderName, ...others] = fs.readdirSync(outbox);
    expect(others).toEqual([]);
    expect(folderName).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z-[0-9a-f]{8}$/);
    const folder = path.join(outbox, folderName);
    expect(fs.readdirSync(folder).sort()).toEqual(["headers.json", "message.html", "message.txt"]);
    expect(fs.statSync(folder).mode & 0o777).toBe(0o700);
    for (const file of fs.readdirSync(folder))
      expect(fs.statSync(path.join(folder, file)).mode & 0o777).toBe(0o600);

    const headers = JSON.parse(fs.readFileSync(path.join(folder, "headers.json"), "utf8"));
    expect(headers).toEqual({
      from: MAIL_FROM,
      to: RECIPIENT,
      subject: "Your sign-in code",
      date: expect.any(String),
    });
    expect(Date.parse(headers.date)).not.toBeNaN();
    expect(fs.readFileSync(path.join(folder, "message.txt"), "utf8")).toContain(CODE);
    expect(fs.readFileSync(path.join(folder, "message.html"), "utf8")).toContain(CODE);

    expect(logLine).not.toHaveBeenCalled();
    expect(logInfo).toHaveBeenCalledTimes(1);
    const line = logInfo.mock.calls[0].join(" ");
    expect(line).toBe(`[mail] "Your sign-in code" to ${RECIPIENT}: ${path.join(folder, "message.html")}`);
    expect(line).not.toContain(CODE);
  });

  it("returns { ok: false } and logs the error code when the outbox cannot be written", async () => {
    const blocker = path.join(originalEnv.MAIL_OUTBOX_DIR ?? ".tmp/outbox", `not-a-folder-${Date.now()}`);
    fs.mkdirSync(path.dirname(blocker), { recursive: true });
    fs.writeFileSync(blocker, "");
    const { mailer } = await load({ MAIL_OUTBOX_DIR: blocker });
    const logError = jest.spyOn(console, "error").mockImplementation(() => {});

    const message = { to: RECIPIENT, subject: "Your sign-in code", html: `<p>${CODE}</p>`, text: CODE };
    await expect(mailer.sendMail(message)).resolves.toEqual({ ok: false });
    expect(logError.mock.calls[0].join(" ")).toBe(
      `[mail] could not send "Your sign-in code" to ${RECIPIENT}: EEXIST`,
    );
  });
});

describe("renderEmail", () => {
  it("renders an element to HTML and plain text", async () => {
    const { mailer } = await load({});
    const { createElement } = await import("react");
    const SignInCodeEmail = (await import("@/emails/sign-in-code")).default;
    const { html, text } = await mailer.renderEmail(createElement(SignInCodeEmail, signInProps));
    expect(html).toMatch(/^<!DOCTYPE html/);
    expect(text).toContain(CODE);
    expect(text).not.toContain("<");
  });
});
