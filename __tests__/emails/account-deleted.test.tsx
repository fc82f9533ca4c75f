/** @jest-environment node */
import { render } from "@react-email/render";
import AccountDeletedEmail, { subject } from "@/emails/account-deleted";

describe("the account-deleted email", () => {
  it("names the account deleted, when, from where, and how to register again", async () => {
    const props = { ...AccountDeletedEmail.PreviewProps, username: "ada<script>" };
    const text = await render(<AccountDeletedEmail {...props} />, { plainText: true });
    const html = await render(<AccountDeletedEmail {...props} />);
    expect(subject).toBe("Your account was deleted");
    expect(text).toContain("Hi ada<script>,");
    expect(text).toContain("Your account ada<script> at Two-Factor App was deleted");
    expect(text).toContain("It cannot be restored");
    expect(text).toMatch(/^Time: 25 November 2026, 12:00 UTC$/m);
    expect(text).toMatch(/^IP address: 203\.0\.113\.7$/m);
    expect(text).toMatch(/^Browser: Firefox on Linux$/m);
    expect(text).toContain("http://localhost:3000/register");
    expect(text).toContain("You get this email because of your account at Two-Factor App");
    expect(html).not.toContain("ada<script>");
    expect(html).toContain("ada&lt;script&gt;");
  });
});
