import type { ReactElement } from "react";
import {
  SAMPLE_NOTICE_WITH_BROWSER,
  SecurityNotice,
  type SecurityNoticeWithBrowserProps,
} from "./components/security-notice";

export type NewSignInEmailProps = SecurityNoticeWithBrowserProps & { method: string };

export const subject = "New sign-in to your account";

export default function NewSignInEmail(props: NewSignInEmailProps): ReactElement {
  return (
    <SecurityNotice
      preview="Someone signed in to your account"
      notice={props}
      moreRows={[["Second factor", props.method]]}
      notYou="Not you? Change your password and sign out everywhere in your security settings:"
    >
      Your account was just signed in to:
    </SecurityNotice>
  );
}

NewSignInEmail.PreviewProps = {
  ...SAMPLE_NOTICE_WITH_BROWSER,
  method: "Authenticator app",
} satisfies NewSignInEmailProps;
