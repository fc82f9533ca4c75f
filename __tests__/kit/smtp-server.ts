import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

export type Received = { mail: ParsedMail; envelope: { from: string; to: string[] } };
export type TestServer = {
  port: number;
  received: Received[];
  next: () => Promise<Received>;
  close: () => Promise<void>;
};

// A message as written to `saveTo`, for readers in another process (the
// browser suite's specs).
export type StoredMail = { to: string[]; subject: string; text: string; receivedAt: number };

// The one SMTP sink of jest and the browser suite: a real SMTP server on
// 127.0.0.1, without TLS, keeping what arrives in memory and, with
// `saveTo`, writing each message there as JSON.
export async function startSmtpServer(
  port = 0,
  reject?: string,
  { saveTo }: { saveTo?: string } = {},
): Promise<TestServer> {
  let saved = 0;
  const received: Received[] = [];
  const waiting: ((message: Received) => void)[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream).then((mail) => {
        if (reject) return callback(new Error(reject));
        const { mailFrom, rcptTo } = session.envelope;
        const message = {
          mail,
          envelope: { from: mailFrom ? mailFrom.address : "", to: rcptTo.map((rcpt) => rcpt.address) },
        };
        received.push(message);
        if (saveTo) {
          const stored: StoredMail = {
            to: message.envelope.to,
            subject: mail.subject ?? "",
            text: mail.text ?? "",
            receivedAt: Date.now(),
          };
          fs.writeFileSync(path.join(saveTo, `${Date.now()}-${saved++}.json`), JSON.stringify(stored));
        }
        waiting.shift()?.(message);
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    port: (server.server.address() as net.AddressInfo).port,
    received,
    next: () => new Promise((resolve) => waiting.push(resolve)),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
