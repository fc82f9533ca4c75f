import type { ReactElement } from "react";
import {
  SAMPLE_NOTICE_WITH_BROWSER,
  SecurityNotice,
  type SecurityNoticeWithBrowserProps,
} from "./components/security-notice";

export type PasswordChangedEmailProps = SecurityNoticeWithBrowserProps;

export const subject = "Your password was changed";

export default function PasswordChangedEmail(props: PasswordChangedEmailProps): ReactElement {
  return (
    <SecurityNotice
      preview="The password of your account was changed"
      notice={props}
      notYou="Not you? Someone has your password and a second factor. If you can still sign in, change your password again and sign out everywhere:"
      afterLink=". If you cannot, contact whoever runs this service at once."
    >
      The password of your account was changed. Every other session was signed out and every access token was
      revoked; the browser that made the change stays signed in.
    </SecurityNotice>
  );
}

PasswordChangedEmail.PreviewProps = SAMPLE_NOTICE_WITH_BROWSER satisfies PasswordChangedEmailProps;
