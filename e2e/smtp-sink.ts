import fs from "node:fs";
import path from "node:path";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

// The browser suite's mail server: a real SMTP server on 127.0.0.1 that the
// app sends to (SMTP_URL), writing each message as JSON for the tests to read.
export const MAIL_DIR = path.resolve(__dirname, "..", ".tmp", "e2e-mail");

export type StoredMail = { to: string[]; subject: string; text: string; receivedAt: number };

export async function startSmtpSink(port: number): Promise<() => Promise<void>> {
  fs.rmSync(MAIL_DIR, { recursive: true, force: true });
  fs.mkdirSync(MAIL_DIR, { recursive: true });
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream).then((mail) => {
        const stored: StoredMail = {
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          subject: mail.subject ?? "",
          text: mail.text ?? "",
          receivedAt: Date.now(),
        };
        fs.writeFileSync(path.join(MAIL_DIR, `${Date.now()}-${count++}.json`), JSON.stringify(stored));
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return () => new Promise((resolve) => server.close(() => resolve()));
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
