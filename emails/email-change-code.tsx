import { Link, Text } from "@react-email/components";
import type { CSSProperties, ReactElement } from "react";
import { EmailLayout, link, muted, text } from "./components/layout";

// Sent to the NEW address of an email change (DESIGN.md §4): the change takes
// effect only when this code comes back, typed on /verify-email or by the link.
export type EmailChangeCodeEmailProps = {
  username: string;
  code: string;
  link: string;
  expiresInMinutes: number;
};

// Never the code: subjects show on lock screens and in mail server logs.
export const subject = "Confirm your new email address";

export default function EmailChangeCodeEmail(props: EmailChangeCodeEmailProps): ReactElement {
  return (
    <EmailLayout preview="Confirm this address for your account" username={props.username}>
      <Text style={text}>
        You asked to use this address for your account. Enter this code on the page that asked for it:
      </Text>
      <Text style={codeStyle}>{props.code}</Text>
      <Text style={text}>
        Or open this link and press Verify email:{" "}
        <Link href={props.link} style={link}>
          {props.link}
        </Link>
      </Text>
      <Text style={text}>
        The code is valid for {props.expiresInMinutes} minutes and works once. Until it is entered, your
        account keeps its current address.
      </Text>
      <Text style={muted}>
        If you did not ask for this, ignore this email: nothing changes, and this address is not added to any
        account.
      </Text>
    </EmailLayout>
  );
}

EmailChangeCodeEmail.PreviewProps = {
  username: "ada",
  code: "K7WQ4MZP",
  link: "http://localhost:3000/verify-email?account=cm0example&code=K7WQ4MZP&purpose=change_email",
  expiresInMinutes: 15,
} satisfies EmailChangeCodeEmailProps;

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
