import "server-only";
import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { env } from "../platform/env";
import type { MailMessage } from "./mailer";

// The local outbox (README.md "Email"): while SMTP_URL is unset, every email
// is written to MAIL_OUTBOX_DIR, one private folder per message named after
// its time and a random id, which /dev/mail reads back in development.

export type OutboxEntry = {
  id: string;
  from: string;
  to: string;
  subject: string;
  date: string;
  html: string;
  text: string;
  file: string;
};

// `2026-11-25T10-00-00-000Z-1a2b3c4d`: what writeToOutbox names a folder, and
// the only ids readOutboxMail accepts.
const ID = /^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z-[0-9a-f]{8}$/;

// The outbox lies outside the build: keep the bundler from tracing the whole project.
const outboxDir = (): string => path.resolve(/* turbopackIgnore: true */ process.cwd(), env.MAIL_OUTBOX_DIR);

// The development mailbox page exists only in development while the outbox is
// in use; `next start` builds with NODE_ENV=production and never serves it.
export function isDevMailboxOn(): boolean {
  return process.env.NODE_ENV === "development" && !env.SMTP_URL;
}

export function devMailboxUrl(id?: string): string {
  return new URL(id ? `/dev/mail/${id}` : "/dev/mail", env.APP_URL).toString();
}

export async function writeToOutbox(message: MailMessage): Promise<{ id: string; file: string }> {
  const outbox = outboxDir();
  const date = new Date();
  const id = `${date.toISOString().replace(/[:.]/g, "-")}-${crypto.randomBytes(4).toString("hex")}`;
  const folder = path.join(outbox, id);
  await fs.mkdir(outbox, { recursive: true, mode: 0o700 });
  await fs.mkdir(folder, { mode: 0o700 });
  const headers = { from: env.MAIL_FROM, to: message.to, subject: message.subject, date: date.toISOString() };
  const write = (file: string, content: string): Promise<void> =>
    fs.writeFile(path.join(folder, file), content, { mode: 0o600, flag: "wx" });
  await write("headers.json", `${JSON.stringify(headers, null, 2)}\n`);
  await write("message.txt", message.text);
  await write("message.html", message.html);
  return { id, file: path.join(folder, "message.html") };
}

// The newest `limit` messages, newest first. Entries that are not a message
// folder (other files, links, half-written folders) are passed over.
export async function listOutbox(limit = 50): Promise<OutboxEntry[]> {
  let names: string[];
  try {
    names = await fs.readdir(outboxDir());
  } catch {
    return [];
  }
  const ids = names
    .filter((name) => ID.test(name))
    .sort()
    .reverse();
  const entries: OutboxEntry[] = [];
  for (const id of ids) {
    if (entries.length >= limit) break;
    const entry = await readOutboxMail(id);
    if (entry) entries.push(entry);
  }
  return entries;
}

// One message by its id, or null. The id is never joined into a path unless
// it has the outbox's own shape (no "/", no ".."), and the folder and its
// files must be plain files and folders, not links out of the outbox.
export async function readOutboxMail(id: string): Promise<OutboxEntry | null> {
  if (!ID.test(id)) return null;
  const folder = path.join(outboxDir(), id);
  try {
    if (!(await fs.lstat(folder)).isDirectory()) return null;
    const read = async (file: string): Promise<string> => {
      const full = path.join(folder, file);
      if (!(await fs.lstat(full)).isFile()) throw new Error("not a file");
      return fs.readFile(full, "utf8");
    };
    const [headers, text, html] = await Promise.all([
      read("headers.json"),
      read("message.txt"),
      read("message.html"),
    ]);
    const parsed = JSON.parse(headers) as Partial<Record<"from" | "to" | "subject" | "date", unknown>>;
    const field = (value: unknown): string => (typeof value === "string" ? value : "");
    return {
      id,
      from: field(parsed.from),
      to: field(parsed.to),
      subject: field(parsed.subject),
      date: field(parsed.date),
      html,
      text,
      file: path.join(folder, "message.html"),
    };
  } catch {
    return null;
  }
}
