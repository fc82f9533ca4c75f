import { Link, Text } from "@react-email/components";
import type { ReactElement } from "react";
import { EmailLayout, link, muted, text } from "./components/layout";

export type RegistrationAttemptEmailProps = {
  username: string;
  time: string;
  ip: string;
  signInUrl: string;
  resetUrl: string;
};

export const subject = "Someone tried to register with your email address";

// DESIGN.md §4: registering an address that has an account creates nothing;
// the address's owner gets this instead of a code.
export default function RegistrationAttemptEmail({
  username,
  time,
  ip,
  signInUrl,
  resetUrl,
}: RegistrationAttemptEmailProps): ReactElement {
  return (
    <EmailLayout preview="This address already has an account" username={username}>
      <Text style={text}>
        Someone tried to create a new account with this email address at {time} from {ip}. This address
        already has an account, so nothing was created.
      </Text>
      <Text style={text}>
        If it was you,{" "}
        <Link href={signInUrl} style={link}>
          sign in
        </Link>{" "}
        instead, or{" "}
        <Link href={resetUrl} style={link}>
          reset your password
        </Link>{" "}
        if you forgot it.
      </Text>
      <Text style={muted}>If it was not you, ignore this email: your account did not change.</Text>
    </EmailLayout>
  );
}

RegistrationAttemptEmail.PreviewProps = {
  username: "ada",
  time: "1 December 2026, 14:05 UTC",
  ip: "203.0.113.7",
  signInUrl: "http://localhost:3000/login",
  resetUrl: "http://localhost:3000/forgot-password",
} satisfies RegistrationAttemptEmailProps;
