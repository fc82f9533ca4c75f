import type { ReactElement } from "react";
import {
  SAMPLE_NOTICE_WITH_BROWSER,
  SecurityNotice,
  type SecurityNoticeWithBrowserProps,
} from "./components/security-notice";

// Sent to the OLD address once a change took effect; the new one masked.
export type EmailChangedEmailProps = SecurityNoticeWithBrowserProps & { newEmail: string };

export const subject = "Your account's email address was changed";

export default function EmailChangedEmail(props: EmailChangedEmailProps): ReactElement {
  return (
    <SecurityNotice
      preview="Your account now uses another email address"
      notice={props}
      moreRows={[["New address", props.newEmail]]}
      ifYou="If this was you, there is nothing to do. Emails for your account, sign-in codes included, now go to the new address; this address gets nothing more."
      notYou="Not you? Someone has your password and a second factor. If you can still sign in, change your password and sign out everywhere:"
      afterLink=". If you cannot, contact whoever runs this service at once."
    >
      The email address of your account was changed.
    </SecurityNotice>
  );
}

EmailChangedEmail.PreviewProps = {
  ...SAMPLE_NOTICE_WITH_BROWSER,
  newEmail: "n***@example.com",
} satisfies EmailChangedEmailProps;
