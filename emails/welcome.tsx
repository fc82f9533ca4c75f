import { Button, Text } from "@react-email/components";
import type { CSSProperties, ReactElement } from "react";
import { EmailLayout, muted, text } from "./components/layout";

export type WelcomeEmailProps = { username: string; appUrl: string };

export const subject = "Welcome to Two-Factor App";

export default function WelcomeEmail({ username, appUrl }: WelcomeEmailProps): ReactElement {
  return (
    <EmailLayout preview="Your account is ready" username={username}>
      <Text style={text}>
        Your account is ready and protected by two-factor authentication. Each sign-in asks for your password
        and a code.
      </Text>
      <Button href={appUrl} style={button}>
        Open Two-Factor App
      </Button>
      <Text style={muted}>
        Keep your recovery codes somewhere safe: they are the way back in if you lose your second factor.
      </Text>
    </EmailLayout>
  );
}

WelcomeEmail.PreviewProps = { username: "ada", appUrl: "http://localhost:3000" } satisfies WelcomeEmailProps;

const button: CSSProperties = {
  backgroundColor: "#18181b",
  borderRadius: "6px",
  color: "#ffffff",
  fontSize: "15px",
  fontWeight: 600,
  margin: "0 0 16px",
  padding: "12px 20px",
};
