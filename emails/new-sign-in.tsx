import { Link, Text } from "@react-email/components";
import type { ReactElement } from "react";
import { DetailList, EmailLayout, link, muted, text } from "./components/layout";

export type NewSignInEmailProps = {
  username: string;
  time: string;
  ip: string;
  browser: string;
  method: string;
  settingsUrl: string;
};

export const subject = "New sign-in to your account";

export default function NewSignInEmail(props: NewSignInEmailProps): ReactElement {
  const { username, time, ip, browser, method, settingsUrl } = props;
  return (
    <EmailLayout preview="Someone signed in to your account">
      <Text style={text}>Hi {username},</Text>
      <Text style={text}>Your account was just signed in to:</Text>
      <DetailList
        rows={[
          ["Time", time],
          ["IP address", ip],
          ["Browser", browser],
          ["Second factor", method],
        ]}
      />
      <Text style={text}>If this was you, there is nothing to do.</Text>
      <Text style={muted}>
        Not you? Change your password and sign out everywhere in your security settings:{" "}
        <Link href={settingsUrl} style={link}>
          {settingsUrl}
        </Link>
      </Text>
    </EmailLayout>
  );
}

NewSignInEmail.PreviewProps = {
  username: "ada",
  time: "25 November 2026, 12:00 UTC",
  ip: "203.0.113.7",
  browser: "Firefox on Linux",
  method: "Authenticator app",
  settingsUrl: "http://localhost:3000/settings/security",
} satisfies NewSignInEmailProps;
