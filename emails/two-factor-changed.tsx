import type { ReactElement } from "react";
import { SAMPLE_NOTICE, SecurityNotice, type SecurityNoticeProps } from "./components/security-notice";

export type TwoFactorChangedEmailProps = SecurityNoticeProps & { change: string };

export const subject = "Your two-factor settings changed";

export default function TwoFactorChangedEmail(props: TwoFactorChangedEmailProps): ReactElement {
  return (
    <SecurityNotice
      preview={props.change}
      notice={props}
      notYou="Not you? Someone has your password and a second factor: change your password and sign out everywhere now:"
    >
      The two-factor authentication of your account changed: {props.change}.
    </SecurityNotice>
  );
}

TwoFactorChangedEmail.PreviewProps = {
  ...SAMPLE_NOTICE,
  change: "A new authenticator app was set up",
} satisfies TwoFactorChangedEmailProps;
