import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { readRecordedSecrets, SERVER_LOG } from "./secrets";

// Shorter values (a user id prefix, "true") would match by chance; a 6-digit
// code still counts, matched as a whole number.
const MIN_LENGTH = 6;

// The forms a logged value could take: as typed, without the spaces or dashes
// the app strips, or URL-encoded as in a logged request.
function variants(value: string): string[] {
  return [
    ...new Set([value, value.replace(/[\s-]/g, ""), encodeURIComponent(value), value.replace(/ /g, "+")]),
  ]
    .filter((variant) => variant.length >= MIN_LENGTH)
    .map((variant) => variant.toLowerCase());
}

function occursIn(line: string, variant: string): boolean {
  if (!/^\d+$/.test(variant)) return line.includes(variant);
  return new RegExp(`(?<!\\d)${variant}(?!\\d)`).test(line);
}

// Runs as the teardown project of the browser suite (playwright.config.ts),
// after every spec, whichever of them ran.
test("no password, code, recovery code, TOTP secret or token appears in the app's log", async () => {
  // The last request's log lines (after() tasks included) have time to land.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  expect(
    fs.existsSync(SERVER_LOG),
    `${SERVER_LOG} is missing: e2e/serve.mjs tees the app's output there`,
  ).toBe(true);
  const lines = fs.readFileSync(SERVER_LOG, "utf8").split("\n");
  const lowerLines = lines.map((line) => line.toLowerCase());
  expect(lines.join("\n"), "the app's log is empty: is it captured?").toContain("Ready");

  const secrets = readRecordedSecrets();
  expect(secrets.filter((secret) => secret.kind.startsWith("server")).length).toBeGreaterThan(0);
  const leaks: string[] = [];
  for (const { kind, value } of secrets) {
    for (const variant of variants(value)) {
      const index = lowerLines.findIndex((line) => occursIn(line, variant));
      if (index >= 0) leaks.push(`${kind} "${value}" on log line ${index + 1}: ${lines[index].trim()}`);
    }
  }
  expect([...new Set(leaks)], `secrets in ${SERVER_LOG}`).toEqual([]);
});
