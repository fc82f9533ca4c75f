import fs from "node:fs";
import path from "node:path";
import { startSmtpServer, type StoredMail } from "../__tests__/kit/smtp-server";

// The browser suite's mail server: the jest kit's SMTP sink on 127.0.0.1 that
// the app sends to (SMTP_URL), writing each message as JSON for the tests to read.
export const MAIL_DIR = path.resolve(__dirname, "..", ".tmp", "e2e-mail");

export type { StoredMail };

export async function startSmtpSink(port: number): Promise<() => Promise<void>> {
  fs.rmSync(MAIL_DIR, { recursive: true, force: true });
  fs.mkdirSync(MAIL_DIR, { recursive: true });
  const server = await startSmtpServer(port, undefined, { saveTo: MAIL_DIR });
  return server.close;
}

// The newest message to `to` whose subject matches, received after `since`.
export async function waitForMail(to: string, subject: string, since: number): Promise<StoredMail> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const found = fs
      .readdirSync(MAIL_DIR)
      .sort()
      .reverse()
      .map((name) => JSON.parse(fs.readFileSync(path.join(MAIL_DIR, name), "utf8")) as StoredMail)
      .find((mail) => mail.to.includes(to) && mail.subject === subject && mail.receivedAt >= since);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no "${subject}" for ${to}`);
}
