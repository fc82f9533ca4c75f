/** @jest-environment node */
import { render } from "@react-email/render";
import type { ReactElement } from "react";
import AccessTokenEmail, * as accessToken from "@/emails/access-token";
import EmailChangeCodeEmail from "@/emails/email-change-code";
import EmailChangedEmail from "@/emails/email-changed";
import NewSignInEmail, * as newSignIn from "@/emails/new-sign-in";
import PartialSignInEmail, * as partialSignIn from "@/emails/partial-sign-in";
import PasswordChangedEmail, * as passwordChanged from "@/emails/password-changed";
import RecoveryCodeUsedEmail, * as recoveryCodeUsed from "@/emails/recovery-code-used";
import SignInCodeEmail, * as signInCode from "@/emails/sign-in-code";
import TwoFactorChangedEmail, * as twoFactorChanged from "@/emails/two-factor-changed";
import VerifyEmailCodeEmail from "@/emails/verify-email-code";
import WelcomeEmail, * as welcome from "@/emails/welcome";

async function renderBoth(element: ReactElement): Promise<{ html: string; text: string }> {
  return { html: await render(element), text: await render(element, { plainText: true }) };
}

const footer = "You get this email because of your account at Two-Factor App";

describe("email templates", () => {
  it("renders every template with its preview props, with the layout's name and footer", async () => {
    const elements = [
      <SignInCodeEmail key="1" {...SignInCodeEmail.PreviewProps} />,
      <AccessTokenEmail key="2" {...AccessTokenEmail.PreviewProps} />,
      <NewSignInEmail key="3" {...NewSignInEmail.PreviewProps} />,
      <RecoveryCodeUsedEmail key="4" {...RecoveryCodeUsedEmail.PreviewProps} />,
      <TwoFactorChangedEmail key="5" {...TwoFactorChangedEmail.PreviewProps} />,
      <WelcomeEmail key="6" {...WelcomeEmail.PreviewProps} />,
      <PasswordChangedEmail key="7" {...PasswordChangedEmail.PreviewProps} />,
      <PartialSignInEmail key="8" {...PartialSignInEmail.PreviewProps} />,
      <EmailChangeCodeEmail key="9" {...EmailChangeCodeEmail.PreviewProps} />,
      <EmailChangedEmail key="10" {...EmailChangedEmail.PreviewProps} />,
      <VerifyEmailCodeEmail key="11" {...VerifyEmailCodeEmail.PreviewProps} />,
    ];
    for (const element of elements) {
      const { html, text } = await renderBoth(element);
      expect(html).toMatch(/^<!DOCTYPE html/);
      expect(html).toContain("Two-Factor App");
      expect(text).toContain(footer);
      expect(text).toContain("Hi ada,");
      expect(text).not.toMatch(/<[a-z]/i);
    }
  });

  it("shows the sign-in code in both parts, never in the subject or preview line", async () => {
    const props = { username: "ada", code: "507314", expiresInMinutes: 10 };
    const { html, text } = await renderBoth(<SignInCodeEmail {...props} />);
    expect(text).toContain("507314");
    expect(html).toContain("507314");
    expect(text).toContain("valid for 10 minutes");
    expect(text).toMatch(/did not try to sign in.*change your password/);
    expect(signInCode.subject).toBe("Your sign-in code");
    expect(signInCode.subject).not.toMatch(/\d/);
    const preview = /<div[^>]*display:none[^>]*>([^<]*)/.exec(html)?.[1] ?? "";
    expect(preview).toContain("finish signing in");
    expect(preview).not.toContain("507314");
  });

  it("puts the token and a curl example using it in the access token email", async () => {
    const props = {
      username: "ada",
      token: "abc.def.ghi",
      expiresAt: "2026-11-25T12:15:00.000Z",
      appUrl: "https://2fa.example",
    };
    const { html, text } = await renderBoth(<AccessTokenEmail {...props} />);
    expect(text).toContain("abc.def.ghi");
    expect(text).toContain('curl -H "Authorization: Bearer abc.def.ghi" https://2fa.example/api/me');
    expect(html).toContain("Authorization: Bearer abc.def.ghi");
    expect(html).toMatch(/font-family:ui-monospace/);
    expect(text).toContain("It expires on 25 November 2026, 12:15:00 UTC.");
    expect(text).toMatch(/Keep it secret/);
    expect(accessToken.subject).toBe("Your access token");
  });

  it("links the security notices to the settings page", async () => {
    const settingsUrl = "https://2fa.example/settings/security";
    const notices = [
      <NewSignInEmail key="1" {...NewSignInEmail.PreviewProps} settingsUrl={settingsUrl} />,
      <RecoveryCodeUsedEmail key="2" {...RecoveryCodeUsedEmail.PreviewProps} settingsUrl={settingsUrl} />,
      <TwoFactorChangedEmail key="3" {...TwoFactorChangedEmail.PreviewProps} settingsUrl={settingsUrl} />,
      <PasswordChangedEmail key="4" {...PasswordChangedEmail.PreviewProps} settingsUrl={settingsUrl} />,
      <PartialSignInEmail key="5" {...PartialSignInEmail.PreviewProps} settingsUrl={settingsUrl} />,
      <EmailChangedEmail key="6" {...EmailChangedEmail.PreviewProps} settingsUrl={settingsUrl} />,
    ];
    for (const element of notices) {
      const { html, text } = await renderBoth(element);
      expect(html).toContain(`href="${settingsUrl}"`);
      expect(text).toContain(settingsUrl);
      expect(text).toContain("Not you?");
      expect(text).toContain("IP address: 203.0.113.7");
    }
  });

  it("tells where and how a new sign-in happened", async () => {
    const { text } = await renderBoth(<NewSignInEmail {...NewSignInEmail.PreviewProps} />);
    expect(text).toContain("Browser: Firefox on Linux");
    expect(text).toContain("Second factor: Authenticator app");
    expect(newSignIn.subject).toBe("New sign-in to your account");
  });

  it("says how many recovery codes remain, and urges new ones when few are left", async () => {
    const props = RecoveryCodeUsedEmail.PreviewProps;
    const many = await renderBoth(<RecoveryCodeUsedEmail {...props} remaining={7} />);
    expect(many.text).toContain("You have 7 recovery codes left.");
    expect(many.text).not.toContain("Generate new ones");
    const one = await renderBoth(<RecoveryCodeUsedEmail {...props} remaining={1} />);
    expect(one.text).toContain("You have 1 recovery code left.");
    expect(one.text).toContain("Generate new ones soon");
    expect(recoveryCodeUsed.subject).toBe("A recovery code was used");
  });

  it("names the two-factor change", async () => {
    const { text } = await renderBoth(<TwoFactorChangedEmail {...TwoFactorChangedEmail.PreviewProps} />);
    expect(text).toContain("A new authenticator app was set up");
    expect(twoFactorChanged.subject).toBe("Your two-factor settings changed");
  });

  it("says the password changed, from where, and that other sessions ended", async () => {
    const { text } = await renderBoth(<PasswordChangedEmail {...PasswordChangedEmail.PreviewProps} />);
    expect(text).toContain("The password of your account was changed.");
    expect(text).toContain("Every other session was signed out");
    expect(text).toContain("Browser: Firefox on Linux");
    expect(passwordChanged.subject).toBe("Your password was changed");
  });

  it("says the password was right but the second step failed, and to change the password", async () => {
    const { text } = await renderBoth(<PartialSignInEmail {...PartialSignInEmail.PreviewProps} />);
    expect(text).toContain("Someone entered the right password for your account, then 5 wrong codes");
    expect(text).toContain("Browser: Firefox on Linux");
    expect(text).toMatch(/Someone knows your password\. Change it now/);
    expect(partialSignIn.subject).toBe("Someone signed in with your password but not your second factor");
  });

  it("welcomes the user with a link to the app", async () => {
    const { html, text } = await renderBoth(<WelcomeEmail username="ada" appUrl="https://2fa.example" />);
    expect(html).toContain('href="https://2fa.example"');
    expect(text).toContain("https://2fa.example");
    expect(welcome.subject).toBe("Welcome to Two-Factor App");
  });

  it("escapes user-supplied values in the HTML", async () => {
    const { html } = await renderBoth(<WelcomeEmail username={"<b>ada</b>"} appUrl="https://2fa.example" />);
    expect(html).not.toContain("<b>ada</b>");
    expect(html).toContain("&lt;b&gt;ada&lt;/b&gt;");
  });
});
