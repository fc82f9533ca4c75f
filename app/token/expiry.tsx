"use client";

import { useSyncExternalStore } from "react";

// The server cannot know the viewer's time zone, and its clock is not the
// browser's: it renders UTC and the seconds left at `renderedAt`; hydration
// renders the same (getServerSnapshot), then switches to the browser's zone
// and clock, so that the two never mismatch.
const noSubscription = () => () => {};
const browserZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

function useTimeZone(): string | null {
  return useSyncExternalStore(noSubscription, browserZone, () => null);
}

const everySecond = (onTick: () => void) => {
  const timer = setInterval(onTick, 1000);
  return () => clearInterval(timer);
};
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export function useNowSeconds(renderedAt: number): number {
  return useSyncExternalStore(everySecond, nowSeconds, () => Math.floor(renderedAt / 1000));
}

function formatClock(at: Date, zone: string | null): { short: string; full: string } {
  // On the server (zone null) a fixed locale and UTC, said so; in the browser its own.
  const locale = zone ? undefined : "en-GB";
  const timeZone = zone ?? "UTC";
  const short = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", timeZone }).format(at);
  const full = new Intl.DateTimeFormat(locale, { dateStyle: "full", timeStyle: "long", timeZone }).format(at);
  return { short: zone ? short : `${short} UTC`, full };
}

export function inWords(secondsLeft: number): string {
  if (secondsLeft <= 0) return "expired";
  if (secondsLeft < 60) return "in less than a minute";
  const minutes = Math.round(secondsLeft / 60);
  if (minutes < 120) return `in ${minutes} ${minutes === 1 ? "minute" : "minutes"}`;
  return `in ${Math.round(minutes / 60)} hours`;
}

export function countdownText(secondsLeft: number): string {
  if (secondsLeft <= 0) return "expired";
  return `${Math.floor(secondsLeft / 60)} min ${String(secondsLeft % 60).padStart(2, "0")} s left`;
}

type Props = { expiresAt: number; renderedAt: number };

// "Expires at 09:29 (in 14 minutes)", the exact time on hover.
export function TokenExpiry({ expiresAt, renderedAt }: Props) {
  const zone = useTimeZone();
  const now = useNowSeconds(renderedAt);
  const at = new Date(expiresAt);
  const clock = formatClock(at, zone);
  const left = Math.floor(expiresAt / 1000) - now;
  return (
    <span data-testid="token-expiry">
      {left <= 0 ? "Expired at " : "Expires at "}
      <time dateTime={at.toISOString()} title={clock.full}>
        {clock.short}
      </time>
      {left > 0 ? ` (${inWords(left)})` : ""}
    </span>
  );
}

export function Countdown({ expiresAt, renderedAt }: Props) {
  const left = Math.max(0, Math.floor(expiresAt / 1000) - useNowSeconds(renderedAt));
  return <span data-testid="token-countdown">{countdownText(left)}</span>;
}
