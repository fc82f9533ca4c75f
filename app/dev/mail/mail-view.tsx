import Link from "next/link";
import type { ReactElement, ReactNode } from "react";
import type { OutboxEntry } from "@/lib/server/mail/outbox";

// No scripts (no allow-scripts, and the page's CSP, which the srcdoc frame
// inherits); no allow-same-origin, so the email gets an opaque origin and
// cannot reach this app's cookies or storage. Its links open in a new tab
// (<base target="_blank">) that leaves the sandbox, as a mail client opens
// them: a link into the app then works as it would from the inbox.
const SANDBOX = "allow-popups allow-popups-to-escape-sandbox";

export function framedHtml(html: string): string {
  const base = '<base target="_blank">';
  const head = /<head(\s[^>]*)?>/i.exec(html);
  if (!head) return `${base}${html}`;
  const end = head.index + head[0].length;
  return `${html.slice(0, end)}${base}${html.slice(end)}`;
}

// The plain-text part, with its http(s) links clickable.
function linkedText(text: string): ReactNode[] {
  return text.split(/(https?:\/\/[^\s<>"]+)/).map((part, index) =>
    index % 2 === 1 ? (
      <a key={index} href={part} target="_blank" rel="noreferrer" className="text-indigo-600 underline">
        {part}
      </a>
    ) : (
      part
    ),
  );
}

export function MailView({ mail }: { mail: OutboxEntry }): ReactElement {
  return (
    <article id={mail.id} className="card space-y-4" aria-label={mail.subject}>
      <header className="space-y-1">
        <h2 className="text-lg font-semibold">
          <Link href={`/dev/mail/${mail.id}`} className="hover:underline">
            {mail.subject}
          </Link>
        </h2>
        <p className="text-sm text-slate-600">
          To <span className="font-medium">{mail.to}</span> · from {mail.from} ·{" "}
          <time dateTime={mail.date}>{mail.date}</time>
        </p>
      </header>
      <div className="grid gap-4 md:grid-cols-2">
        <iframe
          title={`HTML of "${mail.subject}"`}
          sandbox={SANDBOX}
          srcDoc={framedHtml(mail.html)}
          className="h-[32rem] w-full rounded border border-slate-200 bg-white"
        />
        <pre
          aria-label={`Text of "${mail.subject}"`}
          className="h-[32rem] overflow-auto whitespace-pre-wrap break-words rounded border border-slate-200 bg-slate-50 p-3 font-mono text-xs"
        >
          {linkedText(mail.text)}
        </pre>
      </div>
      <p className="break-all text-xs text-slate-500">{mail.file}</p>
    </article>
  );
}
