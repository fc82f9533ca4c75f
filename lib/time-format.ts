// Times written for a reader whose time zone we do not know (emails, and a
// page before the browser has reformatted it): always in UTC, and saying so.
// Built by hand rather than with Intl so that the text does not depend on the
// server's ICU data or locale.
const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
] as const;

const twoDigits = (value: number): string => String(value).padStart(2, "0");

// "1 December 2026, 08:29 UTC"; with seconds "1 December 2026, 08:29:46 UTC".
export function formatUtcTime(date: Date, { seconds = false }: { seconds?: boolean } = {}): string {
  if (Number.isNaN(date.getTime())) return "an unknown time";
  const day = `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
  const time = `${twoDigits(date.getUTCHours())}:${twoDigits(date.getUTCMinutes())}`;
  return `${day}, ${time}${seconds ? `:${twoDigits(date.getUTCSeconds())}` : ""} UTC`;
}
