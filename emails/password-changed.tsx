import { Link, Text } from "@react-email/components";
import type { ReactElement } from "react";
import { DetailList, EmailLayout, link, muted, text } from "./components/layout";

export type PasswordChangedEmailProps = {
  username: string;
  time: string;
  ip: string;
  browser: string;
  settingsUrl: string;
};

export const subject = "Your password was changed";

export default function PasswordChangedEmail(props: PasswordChangedEmailProps): ReactElement {
  const { username, time, ip, browser, settingsUrl } = props;
  return (
    <EmailLayout preview="The password of your account was changed">
      <Text style={text}>Hi {username},</Text>
      <Text style={text}>
        The password of your account was changed. Every other session was signed out and every access token
        was revoked; the browser that made the change stays signed in.
      </Text>
      <DetailList
        rows={[
          ["Time", time],
          ["IP address", ip],
          ["Browser", browser],
        ]}
      />
      <Text style={text}>If this was you, there is nothing to do.</Text>
      <Text style={muted}>
        Not you? Someone has your password and a second factor. If you can still sign in, change your password
        again and sign out everywhere:{" "}
        <Link href={settingsUrl} style={link}>
          {settingsUrl}
        </Link>
        . If you cannot, contact whoever runs this service at once.
      </Text>
    </EmailLayout>
  );
}

PasswordChangedEmail.PreviewProps = {
  username: "ada",
  time: "25 November 2026, 12:00 UTC",
  ip: "203.0.113.7",
  browser: "Firefox on Linux",
  settingsUrl: "http://localhost:3000/settings/security",
} satisfies PasswordChangedEmailProps;
