import "server-only";
import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { render } from "@react-email/render";
import nodemailer, { type Transporter } from "nodemailer";
import SMTPTransport from "nodemailer/lib/smtp-transport";
import type { ReactElement } from "react";
import { env } from "../platform/env";

export type MailMessage = { to: string; subject: string; html: string; text: string };

export type SendMailResult = { ok: true } | { ok: false };

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
      const file = await writeToOutbox(message);
      console.info(`[mail] "${message.subject}" to ${message.to}: ${file}`);
    }
    return { ok: true };
  } catch (error) {
    // Only a code: an SMTP error's message can echo the envelope or content.
    console.error(`[mail] could not send "${message.subject}" to ${message.to}: ${errorCode(error)}`);
    return { ok: false };
  }
}

// Development without a mail server: one private folder per message.
async function writeToOutbox(message: MailMessage): Promise<string> {
  // The outbox lies outside the build: keep the bundler from tracing the whole project.
  const outbox = path.resolve(/* turbopackIgnore: true */ process.cwd(), env.MAIL_OUTBOX_DIR);
  const date = new Date();
  const name = `${date.toISOString().replace(/[:.]/g, "-")}-${crypto.randomBytes(4).toString("hex")}`;
  const folder = path.join(outbox, name);
  await fs.mkdir(outbox, { recursive: true, mode: 0o700 });
  await fs.mkdir(folder, { mode: 0o700 });
  const headers = { from: env.MAIL_FROM, to: message.to, subject: message.subject, date: date.toISOString() };
  const write = (file: string, content: string): Promise<void> =>
    fs.writeFile(path.join(folder, file), content, { mode: 0o600, flag: "wx" });
  await write("headers.json", `${JSON.stringify(headers, null, 2)}\n`);
  await write("message.txt", message.text);
  await write("message.html", message.html);
  return path.join(folder, "message.html");
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
