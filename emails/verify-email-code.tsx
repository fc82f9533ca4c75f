import { Link, Text } from "@react-email/components";
import type { CSSProperties, ReactElement } from "react";
import { EmailLayout, link, muted, text } from "./components/layout";

export type VerifyEmailCodeEmailProps = {
  username: string;
  code: string;
  link: string;
  expiresInMinutes: number;
};

// Never the code: subjects show on lock screens and in mail server logs.
export const subject = "Confirm your email address";

// DESIGN.md §7: the code on a line of its own, and a link carrying it. The
// link opens /verify-email with the code filled in; the person presses
// "Verify email" there (a link that verified on opening would be used by
// the mail scanners that open every link).
export default function VerifyEmailCodeEmail({
  username,
  code,
  link: url,
  expiresInMinutes,
}: VerifyEmailCodeEmailProps): ReactElement {
  return (
    <EmailLayout preview="Your code to confirm this address" username={username}>
      <Text style={text}>Enter this code on the &quot;Verify your email&quot; page:</Text>
      <Text style={codeStyle}>{code}</Text>
      <Text style={text}>
        Or open this link and press Verify email:{" "}
        <Link href={url} style={link}>
          {url}
        </Link>
      </Text>
      <Text style={text}>
        The code is valid for {expiresInMinutes} minutes and works once. Never share it with anyone.
      </Text>
      <Text style={muted}>If you did not create an account, ignore this email: nothing else happens.</Text>
    </EmailLayout>
  );
}

VerifyEmailCodeEmail.PreviewProps = {
  username: "ada",
  code: "K7QF2MXA",
  link: "http://localhost:3000/verify-email?account=clx0example&code=K7QF2MXA",
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
