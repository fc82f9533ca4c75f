import { Link, Text } from "@react-email/components";
import type { ReactElement } from "react";
import { DetailList, EmailLayout, link, muted, text } from "./components/layout";

export type RecoveryCodeUsedEmailProps = {
  username: string;
  remaining: number;
  time: string;
  ip: string;
  settingsUrl: string;
};

export const subject = "A recovery code was used";

export default function RecoveryCodeUsedEmail(props: RecoveryCodeUsedEmailProps): ReactElement {
  const { username, remaining, time, ip, settingsUrl } = props;
  const left = remaining === 1 ? "1 recovery code" : `${remaining} recovery codes`;
  return (
    <EmailLayout preview={`A recovery code was used; ${left} left`}>
      <Text style={text}>Hi {username},</Text>
      <Text style={text}>A recovery code was used to sign in to your account. It cannot be used again.</Text>
      <DetailList
        rows={[
          ["Time", time],
          ["IP address", ip],
        ]}
      />
      <Text style={text}>
        You have {left} left.
        {remaining <= 3 ? " Generate new ones soon, so that you cannot be locked out." : ""}
      </Text>
      <Text style={muted}>
        Not you? Change your password, sign out everywhere and generate new recovery codes:{" "}
        <Link href={settingsUrl} style={link}>
          {settingsUrl}
        </Link>
      </Text>
    </EmailLayout>
  );
}

RecoveryCodeUsedEmail.PreviewProps = {
  username: "ada",
  remaining: 9,
  time: "25 November 2026, 12:00 UTC",
  ip: "203.0.113.7",
  settingsUrl: "http://localhost:3000/settings/security",
} satisfies RecoveryCodeUsedEmailProps;
