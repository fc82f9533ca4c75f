import type { ReactElement } from "react";
import { PARTIAL_SIGN_IN_NOTICE_AFTER } from "../lib/policy-constants";
import {
  SAMPLE_NOTICE_WITH_BROWSER,
  SecurityNotice,
  type SecurityNoticeWithBrowserProps,
} from "./components/security-notice";

export type PartialSignInEmailProps = SecurityNoticeWithBrowserProps;

export const subject = "Someone signed in with your password but not your second factor";

// ASVS 6.3.5: the right password followed by a failed second step. Never
// names the codes that were tried.
export default function PartialSignInEmail(props: PartialSignInEmailProps): ReactElement {
  return (
    <SecurityNotice
      preview="Your password was used, but the second step failed"
      notice={props}
      ifYou="If this was you (mistyped codes, or an old authenticator), there is nothing to do."
      notYou="Not you? Someone knows your password. Change it now in your security settings, which also signs out every other session:"
    >
      Someone entered the right password for your account, then {PARTIAL_SIGN_IN_NOTICE_AFTER} wrong codes, so
      the sign-in was stopped. Your second factor kept them out.
    </SecurityNotice>
  );
}

PartialSignInEmail.PreviewProps = SAMPLE_NOTICE_WITH_BROWSER satisfies PartialSignInEmailProps;
