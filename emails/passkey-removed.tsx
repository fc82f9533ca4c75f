import type { ReactElement } from "react";
import {
  SAMPLE_NOTICE_WITH_BROWSER,
  SecurityNotice,
  type SecurityNoticeWithBrowserProps,
} from "./components/security-notice";

export type PasskeyRemovedEmailProps = SecurityNoticeWithBrowserProps & { passkeyName: string };

export const subject = "A passkey was removed";

export default function PasskeyRemovedEmail(props: PasskeyRemovedEmailProps): ReactElement {
  return (
    <SecurityNotice
      preview={`A passkey was removed: ${props.passkeyName}`}
      notice={props}
      moreRows={[["Passkey", props.passkeyName]]}
      notYou="Not you? Someone has your password and a second factor: change your password and sign out everywhere now:"
    >
      A passkey was removed from your account. It can no longer be used to sign in.
    </SecurityNotice>
  );
}

PasskeyRemovedEmail.PreviewProps = {
  ...SAMPLE_NOTICE_WITH_BROWSER,
  passkeyName: "iCloud Keychain",
} satisfies PasskeyRemovedEmailProps;
