import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { isDevMailboxOn, listOutbox } from "@/lib/server/mail/outbox";
import { MailView } from "./mail-view";

export const metadata: Metadata = { title: "Mailbox (development)", robots: { index: false } };
export const dynamic = "force-dynamic";

const SHOWN = 50;

// README.md "Email": the local outbox as a page, in development while
// SMTP_URL is unset; a 404 everywhere else, `next start` included.
export default async function DevMailPage() {
  if (!isDevMailboxOn()) notFound();
  const mails = await listOutbox(SHOWN);
  return (
    <div className="space-y-6">
      <div className="space-y-1">
        <h1 className="text-2xl font-bold">Mailbox</h1>
        <p className="text-sm text-slate-600">
          Development only: the emails this app wrote to its local outbox because <code>SMTP_URL</code> is
          unset, newest first (the last {SHOWN}). Reload to see new ones.
        </p>
      </div>
      {mails.length === 0 ? (
        <p className="card text-slate-600">No emails yet. Register or sign in, then reload this page.</p>
      ) : (
        mails.map((mail) => <MailView key={mail.id} mail={mail} />)
      )}
    </div>
  );
}
