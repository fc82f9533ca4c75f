import fs from "node:fs";
import path from "node:path";

// The mail the app wrote to its local outbox (MAIL_OUTBOX_DIR, one folder
// per message; jest gives each worker its own), read from the files rather
// than from the mailer's console line.
export type OutboxMail = { folder: string; to: string; subject: string; text: string; html: string };

function read(folder: string): OutboxMail {
  const headers = JSON.parse(fs.readFileSync(path.join(folder, "headers.json"), "utf8")) as {
    to: string;
    subject: string;
  };
  return {
    folder,
    to: headers.to,
    subject: headers.subject,
    text: fs.readFileSync(path.join(folder, "message.txt"), "utf8"),
    html: fs.readFileSync(path.join(folder, "message.html"), "utf8"),
  };
}

function folders(dir: string): string[] {
  const outbox = path.resolve(dir);
  if (!fs.existsSync(outbox)) return [];
  return fs
    .readdirSync(outbox)
    .sort()
    .map((name) => path.join(outbox, name));
}

// Call before the work; the returned function lists what was written since,
// oldest first.
// `dir`: another outbox than this worker's (a `next start` of the kit's).
export function watchOutbox(dir = process.env.MAIL_OUTBOX_DIR as string): () => OutboxMail[] {
  const before = new Set(folders(dir));
  return () =>
    folders(dir)
      .filter((folder) => !before.has(folder))
      .map(read);
}
