"use client";

import { useSyncExternalStore } from "react";
import { formatUtcTime } from "@/lib/time-format";

const subscribe = (): (() => void) => () => {};

// The server cannot know the viewer's time zone, so it renders the time in
// UTC (saying so); after hydration the browser shows it in its own zone. The
// server snapshot is used while hydrating, so both first renders agree and
// React then re-renders with the local time: no hydration mismatch.
export function LocalTime({ iso }: { iso: string }) {
  const hydrated = useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
  const date = new Date(iso);
  if (!hydrated || Number.isNaN(date.getTime())) {
    return (
      <time dateTime={iso} title={formatUtcTime(date, { seconds: true })}>
        {formatUtcTime(date)}
      </time>
    );
  }
  const shown = new Intl.DateTimeFormat(undefined, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZoneName: "short",
  }).format(date);
  const exact = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "long" }).format(date);
  return (
    <time dateTime={iso} title={exact}>
      {shown}
    </time>
  );
}
