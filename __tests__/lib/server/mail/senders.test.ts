/** @jest-environment node */
import { startSmtpServer, type TestServer } from "@/__tests__/kit/smtp-server";
import type { RequestContext } from "@/lib/server/platform/request-context";

// Every sender of lib/server/mail/senders.ts, its email as it arrives over
// real SMTP. The security notices are built from a request's context as
// recorded: the browser and address read as a person reads them, and the
// time names its zone.
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

type Senders = typeof import("@/lib/server/mail/senders");

async function arrived(send: (senders: Senders) => Promise<unknown>) {
  const senders = await import("@/lib/server/mail/senders");
  const next = server.next();
  await send(senders);
  const { mail, envelope } = await next;
  return {
    subject: mail.subject ?? "",
    to: envelope.to,
    text: mail.text ?? "",
    html: typeof mail.html === "string" ? mail.html : "",
  };
}

describe("security notices", () => {
  const withBrowser: [string, (notices: Senders) => Promise<unknown>][] = [
    ["new sign-in", (notices) => notices.noticeSignIn(user, context, "totp")],
    ["partial sign-in", (notices) => notices.noticePartialSignIn(user, context)],
    ["password changed", (notices) => notices.noticePasswordChanged(user, context)],
    [
      "email changed",
      (notices) =>
        notices.noticeEmailChanged(
          { username: user.username, previousEmail: user.email, email: "new.ada@example.org" },
          context,
        ),
    ],
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

describe("emails the user waits for", () => {
  it("sends the sign-in code and answers { ok: true } once the server took it", async () => {
    let result: unknown;
    const { subject, to, text } = await arrived(async (senders) => {
      result = await senders.sendSignInCodeEmail(user.email, {
        username: user.username,
        code: "302817",
        expiresInMinutes: 10,
      });
    });
    expect(result).toEqual({ ok: true });
    expect(subject).toBe("Your sign-in code");
    expect(to).toEqual([user.email]);
    expect(text).toContain("302817");
  });

  it("sends the access token with its curl example", async () => {
    const { subject, text } = await arrived((senders) =>
      senders.sendAccessTokenEmail(user.email, {
        username: user.username,
        token: "aaa.bbb.ccc",
        expiresAt: "2026-11-25T12:15:00.000Z",
        appUrl: "http://localhost:3000",
      }),
    );
    expect(subject).toBe("Your access token");
    expect(text).toContain('curl -H "Authorization: Bearer aaa.bbb.ccc" http://localhost:3000/api/me');
  });
});

describe("every notice", () => {
  const notices: [string, string, (senders: Senders) => Promise<unknown>][] = [
    ["new sign-in", "New sign-in to your account", (s) => s.noticeSignIn(user, context, "recovery")],
    [
      "partial sign-in",
      "Someone signed in with your password but not your second factor",
      (s) => s.noticePartialSignIn(user, context),
    ],
    ["password changed", "Your password was changed", (s) => s.noticePasswordChanged(user, context)],
    ["recovery code used", "A recovery code was used", (s) => s.noticeRecoveryCodeUsed(user, context, 4)],
    [
      "two-factor changed",
      "Your two-factor settings changed",
      (s) => s.noticeTwoFactorChanged(user, context, "Emailed codes were turned on"),
    ],
    ["welcome", "Welcome to Two-Factor App", (s) => s.noticeWelcome(user)],
  ];

  it.each(notices)(
    "sends the %s email to the user's address, greeting them by name",
    async (_, subject, send) => {
      const mail = await arrived(send);
      expect(mail.subject).toBe(subject);
      expect(mail.to).toEqual([user.email]);
      expect(mail.text).toContain("Hi ada,");
    },
  );

  it("links the security notices to this app's settings page", async () => {
    const { text, html } = await arrived((s) => s.noticePasswordChanged(user, context));
    expect(text).toContain("http://localhost:3000/settings/security");
    expect(html).toContain('href="http://localhost:3000/settings/security"');
  });

  it("names the second factor used by a new sign-in", async () => {
    const { text } = await arrived((s) => s.noticeSignIn(user, context, "email"));
    expect(text).toMatch(/^Second factor: Emailed code$/m);
  });

  it("resolves without throwing when the mail server refuses the notice", async () => {
    const refusing = await startSmtpServer(0, "550 no");
    const logError = jest.spyOn(console, "error").mockImplementation(() => {});
    try {
      process.env.SMTP_URL = `smtp://127.0.0.1:${refusing.port}/?ignoreTLS=true`;
      jest.resetModules();
      const senders = await import("@/lib/server/mail/senders");
      await expect(senders.noticeSignIn(user, context, "totp")).resolves.toBeUndefined();
      expect(logError).toHaveBeenCalledWith(
        `[mail] could not send "New sign-in to your account" to ${user.email}: EMESSAGE`,
      );
    } finally {
      logError.mockRestore();
      await refusing.close();
      process.env.SMTP_URL = `smtp://127.0.0.1:${server.port}/?ignoreTLS=true`;
      jest.resetModules();
    }
  });
});

describe("the email-change and verification emails", () => {
  const change = { username: "ada", previousEmail: "ada@example.com", email: "new.ada@example.org" };

  it("tells the OLD address of a change, with the new address masked", async () => {
    const { subject, to, text, html } = await arrived((s) => s.noticeEmailChanged(change, context));
    expect(subject).toBe("Your account's email address was changed");
    expect(to).toEqual(["ada@example.com"]);
    expect(text).toContain("Hi ada,");
    expect(text).toMatch(/^New address: n\*\*\*@example\.org$/m);
    expect(text).toMatch(/^Browser: Chrome 156 on Linux$/m);
    for (const part of [text, html]) expect(part).not.toContain("new.ada@");
  });

  it.each([
    ["email-change code", "Confirm your new email address", "sendEmailChangeCode"],
    ["verification code", "Confirm your email address", "sendVerificationCodeEmail"],
  ] as const)("sends the %s with the code on a line of its own and its link", async (_, title, name) => {
    let result: unknown;
    const link = "http://localhost:3000/verify-email?account=u1&code=K7WQ4MZP";
    const mail = await arrived(async (s) => {
      result = await s[name]("to@example.org", {
        username: "ada",
        code: "K7WQ4MZP",
        link,
        expiresInMinutes: 15,
      });
    });
    expect(result).toEqual({ ok: true });
    expect(mail.subject).toBe(title);
    expect(mail.subject).not.toContain("K7WQ4MZP");
    expect(mail.to).toEqual(["to@example.org"]);
    expect(mail.text).toMatch(/^K7WQ4MZP$/m);
    expect(mail.text).toContain("valid for 15 minutes");
    expect(mail.html).toContain(`href="${link.replace(/&/g, "&amp;")}"`);
  });
});

describe("the password-reset senders", () => {
  it("sends the reset link with where the request came from, and answers { ok: true }", async () => {
    let result: unknown;
    const link = "http://localhost:3000/reset-password?token=abc";
    const { subject, to, text } = await arrived(async (s) => {
      result = await s.sendPasswordResetLink(user, context, link, 30);
    });
    expect(result).toEqual({ ok: true });
    expect(subject).toBe("Reset your password");
    expect(to).toEqual([user.email]);
    expect(text).toContain(link);
    expect(text).toContain("valid for 30 minutes");
    expect(text).toContain("IP address: 203.0.113.7");
    expect(text).toContain("Browser: Chrome 156 on Linux");
    expect(text).toMatch(TIME_LINE);
  });

  it("notices the finished reset with time, IP and browser", async () => {
    const { subject, text } = await arrived((s) => s.noticePasswordResetDone(user, context));
    expect(subject).toBe("Your password was reset");
    expect(text).toContain("Hi ada,");
    expect(text).toContain("IP address: 203.0.113.7");
    expect(text).toContain("Browser: Chrome 156 on Linux");
    expect(text).toMatch(TIME_LINE);
  });
});
