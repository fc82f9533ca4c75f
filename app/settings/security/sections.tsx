import type { ReactNode } from "react";
import { LocalTime } from "@/app/_components/local-time";
import type { SecurityEventView } from "@/lib/server/accounts/events";
import { describeBrowser, describeIp } from "@/lib/server/platform/request-labels";

// The frame of each part of /settings/security, and its events table.
export function Section({
  title,
  description,
  children,
  id,
  danger = false,
}: {
  title: string;
  description: string;
  children: ReactNode;
  id?: string;
  // A change that cannot be undone: red border and heading.
  danger?: boolean;
}) {
  // An id holds no space: aria-labelledby reads a space as a list of ids.
  const headingId = `section-${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  return (
    <section
      id={id}
      className={`card space-y-4 ${danger ? "border-red-300" : ""}`}
      aria-labelledby={headingId}
    >
      <div className="space-y-1">
        <h2 id={headingId} className={`text-lg font-semibold ${danger ? "text-red-800" : ""}`}>
          {title}
        </h2>
        <p className="text-sm text-slate-600">{description}</p>
      </div>
      {children}
    </section>
  );
}

export function SecurityEventTable({ events }: { events: SecurityEventView[] }) {
  return (
    <>
      {events.length === 0 ? (
        <p className="text-sm text-slate-500">No events yet.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead className="text-slate-500">
              <tr>
                <th scope="col" className="py-2 pr-4 font-medium">
                  Time
                </th>
                <th scope="col" className="py-2 pr-4 font-medium">
                  Event
                </th>
                <th scope="col" className="py-2 pr-4 font-medium">
                  IP
                </th>
                <th scope="col" className="py-2 font-medium">
                  Browser
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {events.map((event) => (
                <tr key={event.id}>
                  <td className="py-2 pr-4 whitespace-nowrap">
                    <LocalTime iso={event.createdAt.toISOString()} />
                  </td>
                  <td className="py-2 pr-4">
                    {event.label}
                    {event.detail ? <span className="text-slate-500"> ({event.detail})</span> : null}
                  </td>
                  <td className="py-2 pr-4 text-xs">{describeIp(event.ip)}</td>
                  <td className="py-2 text-xs text-slate-600" title={event.userAgent || undefined}>
                    {describeBrowser(event.userAgent)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
