import { Link, Text } from "@react-email/components";
import type { CSSProperties, ReactElement } from "react";
import { EmailLayout, link, muted, text } from "./components/layout";

// Proves the account's own address (DESIGN.md §4 "Email verification"): sent
// when an account from before verification asks for it in settings. Named as
// on h8's branch (the registration's verification email), so that the merge
// keeps one template.
export type VerifyEmailCodeEmailProps = {
  username: string;
  code: string;
  link: string;
  expiresInMinutes: number;
};

// Never the code: subjects show on lock screens and in mail server logs.
export const subject = "Confirm your email address";

export default function VerifyEmailCodeEmail(props: VerifyEmailCodeEmailProps): ReactElement {
  return (
    <EmailLayout preview="Your code to verify your email address" username={props.username}>
      <Text style={text}>Enter this code to verify your email address:</Text>
      <Text style={codeStyle}>{props.code}</Text>
      <Text style={text}>
        Or open this link and press Verify email:{" "}
        <Link href={props.link} style={link}>
          {props.link}
        </Link>
      </Text>
      <Text style={text}>The code is valid for {props.expiresInMinutes} minutes and works once.</Text>
      <Text style={muted}>If you did not ask for this, you can ignore this email.</Text>
    </EmailLayout>
  );
}

VerifyEmailCodeEmail.PreviewProps = {
  username: "ada",
  code: "K7WQ4MZP",
  link: "http://localhost:3000/verify-email?account=cm0example&code=K7WQ4MZP",
  expiresInMinutes: 15,
} satisfies VerifyEmailCodeEmailProps;

const codeStyle: CSSProperties = {
  color: "#18181b",
  fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
  fontSize: "32px",
  fontWeight: 700,
  letterSpacing: "6px",
  lineHeight: "40px",
  margin: "8px 0 24px",
  textAlign: "center",
};
