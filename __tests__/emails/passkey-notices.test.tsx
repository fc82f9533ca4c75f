/** @jest-environment node */
import { render } from "@react-email/render";
import PasskeyAddedEmail, * as passkeyAdded from "@/emails/passkey-added";
import PasskeyRemovedEmail, * as passkeyRemoved from "@/emails/passkey-removed";

describe("passkey notices", () => {
  it.each([
    ["added", PasskeyAddedEmail, passkeyAdded.subject, /A passkey was added to your account/],
    ["removed", PasskeyRemovedEmail, passkeyRemoved.subject, /A passkey was removed from your account/],
  ] as const)(
    "says a passkey was %s, which one, when, from where, and where to act",
    async (_, Email, subject, says) => {
      const props = { ...Email.PreviewProps, passkeyName: "Work <laptop>" };
      const text = await render(<Email {...props} />, { plainText: true });
      const html = await render(<Email {...props} />);
      expect(subject).toMatch(/^A passkey was (added to your account|removed)$/);
      expect(text).toMatch(says);
      expect(text).toContain("Hi ada,");
      expect(text).toMatch(/^Passkey: Work <laptop>$/m);
      expect(text).toMatch(/^Browser: Firefox on Linux$/m);
      expect(text).toContain("http://localhost:3000/settings/security");
      expect(html).toContain("Work &lt;laptop&gt;");
      expect(html).not.toContain("<laptop>");
    },
  );
});
