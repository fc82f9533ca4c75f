import type { ReactElement } from "react";
import {
  SAMPLE_NOTICE_WITH_BROWSER,
  SecurityNotice,
  type SecurityNoticeWithBrowserProps,
} from "./components/security-notice";

export type PasswordResetDoneEmailProps = SecurityNoticeWithBrowserProps;

export const subject = "Your password was reset";

export default function PasswordResetDoneEmail(props: PasswordResetDoneEmailProps): ReactElement {
  return (
    <SecurityNotice
      preview="The password of your account was reset with an emailed link"
      notice={props}
      notYou="Not you? Someone has access to your email and a second factor. Reset your password again, then check your security settings:"
      afterLink=". If you cannot, contact whoever runs this service at once."
    >
      The password of your account was reset with a link sent to this address. Every session was signed out,
      every access token was revoked, and no browser was signed in.
    </SecurityNotice>
  );
}

PasswordResetDoneEmail.PreviewProps = SAMPLE_NOTICE_WITH_BROWSER satisfies PasswordResetDoneEmailProps;
