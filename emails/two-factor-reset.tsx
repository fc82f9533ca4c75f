import { Link, Text } from "@react-email/components";
import type { ReactElement } from "react";
import { EmailLayout, link, muted, text } from "./components/layout";

export type TwoFactorResetEmailProps = { username: string; time: string; signInUrl: string };

export const subject = "Your two-factor authentication was reset";

// Sent by the operator CLI's reset-2fa (lib/server/operator/): support
// removed every second factor of the account, on the owner's request.
export default function TwoFactorResetEmail({
  username,
  time,
  signInUrl,
}: TwoFactorResetEmailProps): ReactElement {
  return (
    <EmailLayout preview="Sign in with your password and set up a new second factor" username={username}>
      <Text style={text}>
        At {time} an operator of Two-Factor App reset the two-factor authentication of your account: your
        authenticator app, passkeys, emailed codes and recovery codes no longer work, and every session and
        access token was signed out.
      </Text>
      <Text style={text}>
        Sign in with your password; you will then set up a new second factor before anything else:{" "}
        <Link href={signInUrl} style={link}>
          {signInUrl}
        </Link>
      </Text>
      <Text style={muted}>
        Did you not ask for this? Someone may have convinced our support that they are you: sign in now, set
        up your second factor, change your password, and contact support.
      </Text>
    </EmailLayout>
  );
}

TwoFactorResetEmail.PreviewProps = {
  username: "ada",
  time: "25 November 2026, 12:00 UTC",
  signInUrl: "http://localhost:3000/login",
} satisfies TwoFactorResetEmailProps;
