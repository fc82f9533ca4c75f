import { Link, Text } from "@react-email/components";
import type { ReactElement } from "react";
import { DetailList, EmailLayout, link, muted, text } from "./components/layout";

export type AccountDeletedEmailProps = {
  username: string;
  time: string;
  ip: string;
  browser: string;
  registerUrl: string;
};

export const subject = "Your account was deleted";

// Sent to the address of an account just deleted from its security settings
// (app/settings/security/delete-account-actions.ts): the account is gone, so
// the props name it, and there is no settings page left to link to.
export default function AccountDeletedEmail({
  username,
  time,
  ip,
  browser,
  registerUrl,
}: AccountDeletedEmailProps): ReactElement {
  return (
    <EmailLayout preview="Your account and everything in it were deleted" username={username}>
      <Text style={text}>
        Your account {username} at Two-Factor App was deleted, with its authenticator app, passkeys, recovery
        codes, sessions, access tokens and security history. It cannot be restored, and nobody can sign in to
        it any more.
      </Text>
      <DetailList
        rows={[
          ["Time", time],
          ["IP address", ip],
          ["Browser", browser],
        ]}
      />
      <Text style={text}>
        If this was you, there is nothing to do. You may register again at any time, with the same name and
        address if you like:{" "}
        <Link href={registerUrl} style={link}>
          {registerUrl}
        </Link>
      </Text>
      <Text style={muted}>
        Not you? Someone had your password and a second factor. The account is gone either way: change that
        password wherever else you use it, and contact whoever runs this service.
      </Text>
    </EmailLayout>
  );
}

AccountDeletedEmail.PreviewProps = {
  username: "ada",
  time: "25 November 2026, 12:00 UTC",
  ip: "203.0.113.7",
  browser: "Firefox on Linux",
  registerUrl: "http://localhost:3000/register",
} satisfies AccountDeletedEmailProps;
