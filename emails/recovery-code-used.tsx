import type { ReactElement } from "react";
import { SAMPLE_NOTICE, SecurityNotice, type SecurityNoticeProps } from "./components/security-notice";

export type RecoveryCodeUsedEmailProps = SecurityNoticeProps & { remaining: number };

export const subject = "A recovery code was used";

export default function RecoveryCodeUsedEmail(props: RecoveryCodeUsedEmailProps): ReactElement {
  const { remaining } = props;
  const left = remaining === 1 ? "1 recovery code" : `${remaining} recovery codes`;
  return (
    <SecurityNotice
      preview={`A recovery code was used; ${left} left`}
      notice={props}
      ifYou={
        <>
          You have {left} left.
          {remaining <= 3 ? " Generate new ones soon, so that you cannot be locked out." : ""}
        </>
      }
      notYou="Not you? Change your password, sign out everywhere and generate new recovery codes:"
    >
      A recovery code was used to sign in to your account. It cannot be used again.
    </SecurityNotice>
  );
}

RecoveryCodeUsedEmail.PreviewProps = { ...SAMPLE_NOTICE, remaining: 9 } satisfies RecoveryCodeUsedEmailProps;
