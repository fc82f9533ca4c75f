import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { isDevMailboxOn, readOutboxMail } from "@/lib/server/mail/outbox";
import { MailView } from "../mail-view";

export const metadata: Metadata = { title: "Mailbox (development)", robots: { index: false } };
export const dynamic = "force-dynamic";

// One email of the outbox, the page the mailer's console line names. The id
// is only ever an outbox folder's name (lib/server/mail/outbox.ts).
export default async function DevMailMessagePage({ params }: { params: Promise<{ id: string }> }) {
  if (!isDevMailboxOn()) notFound();
  const mail = await readOutboxMail((await params).id);
  if (!mail) notFound();
  return (
    <div className="space-y-6">
      <Link href="/dev/mail" className="text-sm text-indigo-600 hover:underline">
        ← All emails
      </Link>
      <MailView mail={mail} />
    </div>
  );
}
