/** @jest-environment node */
import { render } from "@react-email/render";
import TwoFactorResetEmail, * as twoFactorReset from "@/emails/two-factor-reset";

describe("the two-factor reset email", () => {
  it("says an operator removed every factor, links to sign in, and what to do if it was not asked for", async () => {
    const props = TwoFactorResetEmail.PreviewProps;
    const element = <TwoFactorResetEmail {...props} />;
    const [html, text] = [await render(element), await render(element, { plainText: true })];
    expect(text).toContain("Hi ada,");
    expect(text).toContain("an operator of Two-Factor App reset the two-factor authentication");
    expect(text).toContain("recovery codes no longer work");
    expect(html).toContain(`href="${props.signInUrl}"`);
    expect(text).toContain("set up a new second factor");
    expect(text).toContain("Did you not ask for this?");
    expect(twoFactorReset.subject).toBe("Your two-factor authentication was reset");
  });
});
