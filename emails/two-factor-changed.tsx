import { Link, Text } from "@react-email/components";
import type { ReactElement } from "react";
import { DetailList, EmailLayout, link, muted, text } from "./components/layout";

export type TwoFactorChangedEmailProps = {
  username: string;
  change: string;
  time: string;
  ip: string;
  settingsUrl: string;
};

export const subject = "Your two-factor settings changed";

export default function TwoFactorChangedEmail(props: TwoFactorChangedEmailProps): ReactElement {
  const { username, change, time, ip, settingsUrl } = props;
  return (
    <EmailLayout preview={change}>
      <Text style={text}>Hi {username},</Text>
      <Text style={text}>The two-factor authentication of your account changed: {change}.</Text>
      <DetailList
        rows={[
          ["Time", time],
          ["IP address", ip],
        ]}
      />
      <Text style={text}>If this was you, there is nothing to do.</Text>
      <Text style={muted}>
        Not you? Someone has your password and a second factor: change your password and sign out everywhere
        now:{" "}
        <Link href={settingsUrl} style={link}>
          {settingsUrl}
        </Link>
      </Text>
    </EmailLayout>
  );
}

TwoFactorChangedEmail.PreviewProps = {
  username: "ada",
  change: "A new authenticator app was set up",
  time: "25 November 2026, 12:00 UTC",
  ip: "203.0.113.7",
  settingsUrl: "http://localhost:3000/settings/security",
} satisfies TwoFactorChangedEmailProps;
