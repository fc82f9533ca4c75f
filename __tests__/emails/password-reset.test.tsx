/** @jest-environment node */
import { render } from "@react-email/render";
import type { ReactElement } from "react";
import PasswordResetEmail, * as passwordReset from "@/emails/password-reset";
import PasswordResetDoneEmail, * as passwordResetDone from "@/emails/password-reset-done";

async function renderBoth(element: ReactElement): Promise<{ html: string; text: string }> {
  return { html: await render(element), text: await render(element, { plainText: true }) };
}

describe("the password-reset emails", () => {
  it("carry the link, its lifetime and where the request came from; never the link in the subject or preview", async () => {
    const props = PasswordResetEmail.PreviewProps;
    const { html, text } = await renderBoth(<PasswordResetEmail {...props} />);
    expect(text).toContain("Hi ada,");
    expect(text).toContain(props.link);
    expect(html).toContain(`href="${props.link}"`);
    expect(text).toContain("valid for 30 minutes and works once");
    expect(text).toContain("IP address: 203.0.113.7");
    expect(text).toContain("Browser: Firefox on Linux");
    expect(text).toContain("If you did not ask for this, ignore this email");
    const token = new URL(props.link).searchParams.get("token") as string;
    expect(passwordReset.subject).toBe("Reset your password");
    // The preview line comes before the heading.
    expect(html.slice(0, html.indexOf("<h1"))).toContain("A link to choose a new password");
    expect(html.slice(0, html.indexOf("<h1"))).not.toContain(token);
  });

  it("say the password was reset, from where, that every session ended and nobody was signed in", async () => {
    const { text } = await renderBoth(<PasswordResetDoneEmail {...PasswordResetDoneEmail.PreviewProps} />);
    expect(text).toContain("The password of your account was reset with a link sent to this address.");
    expect(text).toContain("Every session was signed out, every access token was revoked");
    expect(text).toContain("Time: 25 November 2026, 12:00 UTC");
    expect(text).toContain("Browser: Firefox on Linux");
    expect(text).toContain("http://localhost:3000/settings/security");
    expect(passwordResetDone.subject).toBe("Your password was reset");
  });
});
