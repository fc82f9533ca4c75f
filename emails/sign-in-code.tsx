import { Text } from "@react-email/components";
import type { CSSProperties, ReactElement } from "react";
import { EmailLayout, muted, text } from "./components/layout";

export type SignInCodeEmailProps = { username: string; code: string; expiresInMinutes: number };

// Never the code: subjects show on lock screens and in mail server logs.
export const subject = "Your sign-in code";

export default function SignInCodeEmail({
  username,
  code,
  expiresInMinutes,
}: SignInCodeEmailProps): ReactElement {
  return (
    <EmailLayout preview="Your code to finish signing in" username={username}>
      <Text style={text}>Enter this code to finish signing in:</Text>
      <Text style={codeStyle}>{code}</Text>
      <Text style={text}>
        The code is valid for {expiresInMinutes} minutes and works once. Never share it with anyone.
      </Text>
      <Text style={muted}>
        If you did not try to sign in, someone knows your password: change your password now.
      </Text>
    </EmailLayout>
  );
}

SignInCodeEmail.PreviewProps = {
  username: "ada",
  code: "482913",
  expiresInMinutes: 10,
} satisfies SignInCodeEmailProps;

const codeStyle: CSSProperties = {
  color: "#18181b",
  fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
  fontSize: "36px",
  fontWeight: 700,
  letterSpacing: "8px",
  lineHeight: "44px",
  margin: "8px 0 24px",
  textAlign: "center",
};
