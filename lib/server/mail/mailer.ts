import "server-only";
import { render } from "@react-email/render";
import nodemailer, { type Transporter } from "nodemailer";
import SMTPTransport from "nodemailer/lib/smtp-transport";
import { createElement, type FunctionComponent, type ReactElement } from "react";
import { env } from "../platform/env";
import { devMailboxUrl, isDevMailboxOn, writeToOutbox } from "./outbox";

// The transport: SMTP when SMTP_URL is set, else the local outbox
// (./outbox.ts). Every send answers a result and never throws, and logs
// only the subject, the recipient and an error code, never the content.

export type MailMessage = { to: string; subject: string; html: string; text: string };

export type SendMailResult = { ok: true } | { ok: false };

// An `emails/` module: its component and its subject.
export type EmailTemplate<P extends object> = { default: FunctionComponent<P>; subject: string };

let cachedTransport: { url: string; transporter: Transporter } | undefined;

// Short limits so that a dead or silent server fails a request within ~10 s
// instead of nodemailer's defaults (2 min to connect, 30 s for a greeting).
// SMTPTransport, not createTransport({ url, ... }), which drops every option
// beside a url. Query options in the URL win over these: a local server
// without TLS takes `smtp://127.0.0.1:2525/?ignoreTLS=true`.
function getTransport(url: string): Transporter {
  if (cachedTransport?.url !== url) {
    const transporter = nodemailer.createTransport(
      new SMTPTransport({
        url,
        dnsTimeout: 5_000,
        connectionTimeout: 5_000,
        greetingTimeout: 5_000,
        socketTimeout: 10_000,
      }),
    );
    cachedTransport = { url, transporter };
  }
  return cachedTransport.transporter;
}

export async function sendMail(message: MailMessage): Promise<SendMailResult> {
  try {
    if (env.SMTP_URL) {
      const { to, subject, html, text } = message;
      await getTransport(env.SMTP_URL).sendMail({ from: env.MAIL_FROM, to, subject, html, text });
    } else {
      const { id, file } = await writeToOutbox(message);
      // In development the page that shows it; elsewhere the file.
      const where = isDevMailboxOn() ? `open ${devMailboxUrl(id)}` : file;
      console.info(`[mail] "${message.subject}" to ${message.to}: ${where}`);
    }
    return { ok: true };
  } catch (error) {
    // Only a code: an SMTP error's message can echo the envelope or content.
    console.error(`[mail] could not send "${message.subject}" to ${message.to}: ${errorCode(error)}`);
    return { ok: false };
  }
}

function errorCode(error: unknown): string {
  if (typeof error === "object" && error !== null) {
    const { code, name } = error as { code?: unknown; name?: unknown };
    if (typeof code === "string" && code) return code;
    if (typeof name === "string" && name) return name;
  }
  return "unknown error";
}

export async function renderEmail(element: ReactElement): Promise<{ html: string; text: string }> {
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  return { html, text };
}

// Renders a template with its props and sends it under its subject.
export async function sendTemplate<P extends object>(
  template: EmailTemplate<P>,
  to: string,
  props: P,
): Promise<SendMailResult> {
  const { subject } = template;
  let rendered: { html: string; text: string };
  try {
    rendered = await renderEmail(createElement(template.default, props));
  } catch (error) {
    // Only a broken template gets here; like sendMail, callers get a result, not a throw.
    console.error(`[mail] could not render "${subject}": ${error instanceof Error ? error.name : "error"}`);
    return { ok: false };
  }
  return sendMail({ to, subject, ...rendered });
}
