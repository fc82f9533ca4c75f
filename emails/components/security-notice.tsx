import { Link, Text } from "@react-email/components";
import type { ReactElement, ReactNode } from "react";
import { DetailList, EmailLayout, link, muted, text } from "./layout";

// What every security notice says of the request behind it: when, from which
// address (and, where the notice names it, which browser), and where to act.
export type SecurityNoticeProps = { username: string; time: string; ip: string; settingsUrl: string };
export type SecurityNoticeWithBrowserProps = SecurityNoticeProps & { browser: string };

type Props = {
  preview: string;
  notice: SecurityNoticeProps & { browser?: string };
  // The rows after "Time", "IP address" and "Browser".
  moreRows?: [label: string, value: string][];
  // What happened, above the details.
  children: ReactNode;
  // Below the details.
  ifYou?: ReactNode;
  // "Not you? ..." up to the settings link, and what follows the link.
  notYou: string;
  afterLink?: string;
};

// The shape of every security notice: greeting, what happened, the details,
// "if this was you", then "not you?" with the link to the security settings.
export function SecurityNotice({
  preview,
  notice,
  moreRows = [],
  children,
  ifYou = "If this was you, there is nothing to do.",
  notYou,
  afterLink,
}: Props): ReactElement {
  const { username, time, ip, browser, settingsUrl } = notice;
  const rows: [string, string][] = [
    ["Time", time],
    ["IP address", ip],
  ];
  if (browser !== undefined) rows.push(["Browser", browser]);
  return (
    <EmailLayout preview={preview} username={username}>
      <Text style={text}>{children}</Text>
      <DetailList rows={[...rows, ...moreRows]} />
      <Text style={text}>{ifYou}</Text>
      <Text style={muted}>
        {notYou}{" "}
        <Link href={settingsUrl} style={link}>
          {settingsUrl}
        </Link>
        {afterLink}
      </Text>
    </EmailLayout>
  );
}

// The templates' preview props (npm run email).
export const SAMPLE_NOTICE = {
  username: "ada",
  time: "25 November 2026, 12:00 UTC",
  ip: "203.0.113.7",
  settingsUrl: "http://localhost:3000/settings/security",
} satisfies SecurityNoticeProps;

export const SAMPLE_NOTICE_WITH_BROWSER = {
  ...SAMPLE_NOTICE,
  browser: "Firefox on Linux",
} satisfies SecurityNoticeWithBrowserProps;
