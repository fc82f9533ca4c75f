/** @jest-environment node */
import { startSmtpServer, type TestServer } from "@/__tests__/kit/smtp-server";
import type { RequestContext } from "@/lib/server/platform/request-context";

// The security notices as they arrive over real SMTP, built from a request's
// context as recorded: the browser and address read as a person reads them,
// and the time names its zone.
const CHROME_ON_LINUX =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
const context: RequestContext = { ip: "::ffff:203.0.113.7", userAgent: CHROME_ON_LINUX };
const user = { username: "ada", email: "ada@example.com" };
const TIME_LINE =
  /^Time: \d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}, \d{2}:\d{2} UTC$/m;

const originalEnv = { ...process.env };
let server: TestServer;

beforeAll(async () => {
  server = await startSmtpServer();
  process.env.SMTP_URL = `smtp://127.0.0.1:${server.port}/?ignoreTLS=true`;
  jest.resetModules();
});

afterAll(async () => {
  await server.close();
  Object.assign(process.env, originalEnv);
  if (!("SMTP_URL" in originalEnv)) delete process.env.SMTP_URL;
});

async function arrived(send: (notices: typeof import("@/lib/server/mail/notices")) => Promise<void>) {
  const notices = await import("@/lib/server/mail/notices");
  const next = server.next();
  await send(notices);
  const { mail } = await next;
  return { text: mail.text ?? "", html: typeof mail.html === "string" ? mail.html : "" };
}

describe("security notices", () => {
  const withBrowser: [string, (notices: typeof import("@/lib/server/mail/notices")) => Promise<void>][] = [
    ["new sign-in", (notices) => notices.noticeSignIn(user, context, "totp")],
    ["partial sign-in", (notices) => notices.noticePartialSignIn(user, context)],
    ["password changed", (notices) => notices.noticePasswordChanged(user, context)],
  ];

  it.each(withBrowser)(
    "the %s email names the browser as Chrome 156 on Linux, not the raw header",
    async (_, send) => {
      const { text, html } = await arrived(send);
      expect(text).toMatch(/^Browser: Chrome 156 on Linux$/m);
      expect(html).toContain("Chrome 156 on Linux");
      for (const part of [text, html]) {
        expect(part).not.toContain("Mozilla/5.0");
        expect(part).not.toContain("AppleWebKit");
      }
    },
  );

  const all = [
    ...withBrowser,
    ["recovery code used", (notices) => notices.noticeRecoveryCodeUsed(user, context, 9)],
    [
      "two-factor changed",
      (notices) => notices.noticeTwoFactorChanged(user, context, "A new authenticator app was set up"),
    ],
  ] satisfies typeof withBrowser;

  it.each(all)("the %s email shows the IPv4 address and a time that says UTC", async (_, send) => {
    const { text } = await arrived(send);
    expect(text).toMatch(/^IP address: 203\.0\.113\.7$/m);
    expect(text).not.toContain("::ffff:");
    expect(text).toMatch(TIME_LINE);
  });

  it("says when the browser ran on the server's own machine", async () => {
    const { text } = await arrived((notices) =>
      notices.noticeSignIn(user, { ...context, ip: "::1" }, "totp"),
    );
    expect(text).toMatch(/^IP address: the server itself \(::1\)$/m);
  });

  it("says the browser is unknown when the header is empty", async () => {
    const { text } = await arrived((notices) =>
      notices.noticeSignIn(user, { ...context, userAgent: "" }, "totp"),
    );
    expect(text).toMatch(/^Browser: Unknown browser$/m);
  });
});
