import { Body, Container, Head, Heading, Hr, Html, Preview, Section, Text } from "@react-email/components";
import type { CSSProperties, ReactElement, ReactNode } from "react";

export const APP_NAME = "Two-Factor App";

type LayoutProps = { preview: string; username?: string; children: ReactNode };

// No default export: the react-email preview lists only files with one.
// With a username, the email opens "Hi <username>,".
export function EmailLayout({ preview, username, children }: LayoutProps): ReactElement {
  return (
    <Html lang="en">
      <Head />
      <Preview>{preview}</Preview>
      <Body style={body}>
        <Container style={container}>
          <Heading as="h1" style={brand}>
            {APP_NAME}
          </Heading>
          <Section>
            {username !== undefined && <Text style={text}>Hi {username},</Text>}
            {children}
          </Section>
          <Hr style={rule} />
          <Text style={footer}>You get this email because of your account at {APP_NAME}.</Text>
        </Container>
      </Body>
    </Html>
  );
}

const font = '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, Helvetica, Arial, sans-serif';

const body: CSSProperties = { backgroundColor: "#f4f4f5", fontFamily: font, margin: 0, padding: "24px 0" };
const container: CSSProperties = {
  backgroundColor: "#ffffff",
  border: "1px solid #e4e4e7",
  borderRadius: "8px",
  margin: "0 auto",
  maxWidth: "560px",
  padding: "24px 32px",
};
const brand: CSSProperties = { color: "#18181b", fontSize: "18px", fontWeight: 600, margin: "0 0 16px" };
const rule: CSSProperties = { borderColor: "#e4e4e7", margin: "24px 0 16px" };
const footer: CSSProperties = { color: "#71717a", fontSize: "12px", lineHeight: "18px", margin: 0 };

export const text: CSSProperties = {
  color: "#27272a",
  fontSize: "15px",
  lineHeight: "24px",
  margin: "0 0 16px",
};
export const muted: CSSProperties = { ...text, color: "#52525b", fontSize: "14px" };
export const link: CSSProperties = { color: "#2563eb", textDecoration: "underline" };
export const mono: CSSProperties = {
  backgroundColor: "#f4f4f5",
  border: "1px solid #e4e4e7",
  borderRadius: "6px",
  color: "#18181b",
  fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
  fontSize: "14px",
  lineHeight: "20px",
  margin: "0 0 16px",
  padding: "12px 16px",
  wordBreak: "break-all",
};

// One "Label: value" line per row, so that the plain-text part reads the same.
export function DetailList({ rows }: { rows: [label: string, value: string][] }): ReactElement {
  return (
    <Section style={details}>
      {rows.map(([label, value]) => (
        <Text key={label} style={detailRow}>
          <strong>{label}:</strong> {value}
        </Text>
      ))}
    </Section>
  );
}

const details: CSSProperties = { ...mono, fontFamily: font, padding: "8px 16px" };
const detailRow: CSSProperties = { color: "#27272a", fontSize: "14px", lineHeight: "22px", margin: 0 };
