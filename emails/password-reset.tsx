import { Link, Text } from "@react-email/components";
import type { ReactElement } from "react";
import { DetailList, EmailLayout, link as linkStyle, muted, text } from "./components/layout";

export type PasswordResetEmailProps = {
  username: string;
  link: string;
  expiresInMinutes: number;
  time: string;
  ip: string;
  browser: string;
};

// Never the link: subjects show on lock screens and in mail server logs.
export const subject = "Reset your password";

export default function PasswordResetEmail({
  username,
  link,
  expiresInMinutes,
  time,
  ip,
  browser,
}: PasswordResetEmailProps): ReactElement {
  return (
    <EmailLayout preview="A link to choose a new password" username={username}>
      <Text style={text}>
        Someone asked to reset the password of your account. To choose a new one, open:
      </Text>
      <Text style={text}>
        <Link href={link} style={linkStyle}>
          {link}
        </Link>
      </Text>
      <Text style={text}>
        The link is valid for {expiresInMinutes} minutes and works once. It asks for your second factor (your
        authenticator app or a recovery code) before the new password, and it does not sign you in.
      </Text>
      <DetailList
        rows={[
          ["Time", time],
          ["IP address", ip],
          ["Browser", browser],
        ]}
      />
      <Text style={muted}>
        If you did not ask for this, ignore this email: your password stays as it is, and the link cannot be
        used without your second factor.
      </Text>
    </EmailLayout>
  );
}

PasswordResetEmail.PreviewProps = {
  username: "ada",
  link: "http://localhost:3000/reset-password?token=Ab3dEf6hIj9lMn2pQr5tUv8xYz1bCd4fGh7jKm0nPq",
  expiresInMinutes: 30,
  time: "25 November 2026, 12:00 UTC",
  ip: "203.0.113.7",
  browser: "Firefox on Linux",
} satisfies PasswordResetEmailProps;
