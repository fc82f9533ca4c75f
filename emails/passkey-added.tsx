import type { ReactElement } from "react";
import {
  SAMPLE_NOTICE_WITH_BROWSER,
  SecurityNotice,
  type SecurityNoticeWithBrowserProps,
} from "./components/security-notice";

export type PasskeyAddedEmailProps = SecurityNoticeWithBrowserProps & { passkeyName: string };

export const subject = "A passkey was added to your account";

export default function PasskeyAddedEmail(props: PasskeyAddedEmailProps): ReactElement {
  return (
    <SecurityNotice
      preview={`A passkey was added: ${props.passkeyName}`}
      notice={props}
      moreRows={[["Passkey", props.passkeyName]]}
      notYou="Not you? Someone has your password and a second factor, and can now sign in with that passkey. Remove it, change your password and sign out everywhere:"
    >
      A passkey was added to your account. It can now be used to sign in.
    </SecurityNotice>
  );
}

PasskeyAddedEmail.PreviewProps = {
  ...SAMPLE_NOTICE_WITH_BROWSER,
  passkeyName: "iCloud Keychain",
} satisfies PasskeyAddedEmailProps;
