import { Text } from "@react-email/components";
import type { ReactElement } from "react";
import { formatUtcTime } from "../lib/time-format";
import { EmailLayout, mono, muted, text } from "./components/layout";

export type AccessTokenEmailProps = { username: string; token: string; expiresAt: string; appUrl: string };

export const subject = "Your access token";

export default function AccessTokenEmail({
  username,
  token,
  expiresAt,
  appUrl,
}: AccessTokenEmailProps): ReactElement {
  const example = `curl -H "Authorization: Bearer ${token}" ${appUrl}/api/me`;
  return (
    <EmailLayout preview="The access token you asked for" username={username}>
      <Text style={text}>Here is the access token you asked for:</Text>
      <Text style={mono}>{token}</Text>
      <Text style={text}>It expires {formatExpiry(expiresAt)}. Send it as a bearer token, for example:</Text>
      <Text style={mono}>{example}</Text>
      <Text style={muted}>
        Keep it secret: anyone who has it can act as you until it expires. If it leaks, use &quot;Sign out
        everywhere&quot; in your security settings to revoke it.
      </Text>
    </EmailLayout>
  );
}

// The recipient's time zone is unknown, so the time names its zone; an
// unparsable value is shown as given.
function formatExpiry(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? `at ${iso}` : `on ${formatUtcTime(date, { seconds: true })}`;
}

AccessTokenEmail.PreviewProps = {
  username: "ada",
  token: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyXzEyMyJ9.c2lnbmF0dXJl",
  expiresAt: "2026-11-25T12:15:00.000Z",
  appUrl: "http://localhost:3000",
} satisfies AccessTokenEmailProps;
