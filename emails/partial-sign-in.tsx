import { Link, Text } from "@react-email/components";
import type { ReactElement } from "react";
import { PARTIAL_SIGN_IN_NOTICE_AFTER } from "../lib/policy-constants";
import { DetailList, EmailLayout, link, muted, text } from "./components/layout";

export type PartialSignInEmailProps = {
  username: string;
  time: string;
  ip: string;
  browser: string;
  settingsUrl: string;
};

export const subject = "Someone signed in with your password but not your second factor";

// ASVS 6.3.5: the right password followed by a failed second step. Never
// names the codes that were tried.
export default function PartialSignInEmail(props: PartialSignInEmailProps): ReactElement {
  const { username, time, ip, browser, settingsUrl } = props;
  return (
    <EmailLayout preview="Your password was used, but the second step failed">
      <Text style={text}>Hi {username},</Text>
      <Text style={text}>
        Someone entered the right password for your account, then {PARTIAL_SIGN_IN_NOTICE_AFTER} wrong codes,
        so the sign-in was stopped. Your second factor kept them out.
      </Text>
      <DetailList
        rows={[
          ["Time", time],
          ["IP address", ip],
          ["Browser", browser],
        ]}
      />
      <Text style={text}>
        If this was you (mistyped codes, or an old authenticator), there is nothing to do.
      </Text>
      <Text style={muted}>
        Not you? Someone knows your password. Change it now in your security settings, which also signs out
        every other session:{" "}
        <Link href={settingsUrl} style={link}>
          {settingsUrl}
        </Link>
      </Text>
    </EmailLayout>
  );
}

PartialSignInEmail.PreviewProps = {
  username: "ada",
  time: "25 November 2026, 12:00 UTC",
  ip: "203.0.113.7",
  browser: "Firefox on Linux",
  settingsUrl: "http://localhost:3000/settings/security",
} satisfies PartialSignInEmailProps;
