import fs from "node:fs";
import path from "node:path";
import { test as base, type BrowserContext, type Request, type Response } from "@playwright/test";

// Every secret the browser suite types, reads or is handed, one JSON line
// each, for logs.teardown.ts to look for in the app's log. serve.mjs empties
// the folder at start, adds the server's own secrets and tees `next start`
// into SERVER_LOG (the same names are written there).
export const E2E_DIR = path.resolve(__dirname, "..", ".tmp", "e2e");
export const SECRETS_FILE = path.join(E2E_DIR, "secrets.jsonl");
export const SERVER_LOG = path.join(E2E_DIR, "server.log");

export type RecordedSecret = { kind: string; value: string };

export function rememberSecret(kind: string, ...values: string[]): void {
  const lines = values
    .map((value) => value.trim())
    .filter(Boolean)
    .map((value) => `${JSON.stringify({ kind, value } satisfies RecordedSecret)}\n`);
  if (lines.length > 0) fs.appendFileSync(SECRETS_FILE, lines.join(""));
}

export function readRecordedSecrets(): RecordedSecret[] {
  if (!fs.existsSync(SECRETS_FILE)) return [];
  return fs
    .readFileSync(SECRETS_FILE, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RecordedSecret);
}

const SECRET_FIELD = /password|code|token|secret/i;
// passkey: the cookie binding a passwordless ceremony to its browser.
const SECRET_COOKIE = /session|challenge|csrf|passkey/i;

function formFields(request: Request): [string, string][] {
  const body = request.postData();
  const type = request.headers()["content-type"] ?? "";
  if (!body) return [];
  if (type.includes("application/x-www-form-urlencoded")) return [...new URLSearchParams(body)];
  if (type.includes("multipart/form-data")) {
    return [...body.matchAll(/name="([^"]*)"\r\n\r\n([^\r]*)\r\n/g)].map((match) => [match[1], match[2]]);
  }
  return [];
}

// A passkey form's field "response" (prefixed like "1_response" when a
// client component posts it): the browser's WebAuthn answer as JSON. Its
// signed parts and the challenge inside clientDataJSON stay out of the log.
const WEBAUTHN_PARTS = ["clientDataJSON", "attestationObject", "authenticatorData", "signature"];

function recordWebAuthnResponse(value: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return;
  }
  const response = (parsed as { response?: Record<string, unknown> } | null)?.response;
  if (typeof response !== "object" || response === null) return;
  const parts = WEBAUTHN_PARTS.map((part) => response[part]).filter((part) => typeof part === "string");
  rememberSecret("passkey response", ...parts);
  if (typeof response.clientDataJSON !== "string") return;
  try {
    const clientData = JSON.parse(Buffer.from(response.clientDataJSON, "base64url").toString("utf8")) as {
      challenge?: unknown;
    };
    if (typeof clientData.challenge === "string") rememberSecret("passkey challenge", clientData.challenge);
  } catch {
    // Not a browser's clientDataJSON: its parts are recorded above.
  }
}

function recordRequest(request: Request): void {
  for (const [name, value] of formFields(request)) {
    if (SECRET_FIELD.test(name)) rememberSecret(`typed into "${name}"`, value);
    if (/(^|_)response$/.test(name)) recordWebAuthnResponse(value);
  }
}

async function recordSetCookies(response: Response): Promise<void> {
  for (const { name, value } of await response.headersArray()) {
    if (name.toLowerCase() !== "set-cookie") continue;
    const pair = value.split(";")[0];
    const cookie = pair.slice(0, pair.indexOf("="));
    if (SECRET_COOKIE.test(cookie)) rememberSecret(`cookie ${cookie}`, pair.slice(pair.indexOf("=") + 1));
  }
}

async function recordCookies(context: BrowserContext): Promise<void> {
  for (const cookie of await context.cookies().catch(() => [])) {
    if (SECRET_COOKIE.test(cookie.name)) rememberSecret(`cookie ${cookie.name}`, cookie.value);
  }
}

// Watches every browser context a test opens (the default one and those from
// browser.newContext/newPage): the secret form fields it posts and the
// session cookies it gets. What a test reads off a page (setup key, recovery
// codes, tokens) it records itself, through helpers.ts. Specs import `test`
// from helpers.ts for this to run.
export const test = base.extend<{ recordSecrets: void }>({
  recordSecrets: [
    async ({ browser, context }, use) => {
      const pending = new Set<Promise<void>>();
      const watched: BrowserContext[] = [];
      const onRequest = (request: Request): void => recordRequest(request);
      const onResponse = (response: Response): void => {
        const done = recordSetCookies(response).catch(() => undefined);
        pending.add(done);
        void done.then(() => pending.delete(done));
      };
      const watch = (watchedContext: BrowserContext): void => {
        watchedContext.on("request", onRequest);
        watchedContext.on("response", onResponse);
        watched.push(watchedContext);
      };
      watch(context);
      const newContext = browser.newContext;
      browser.newContext = async (...args) => {
        const created = await newContext.apply(browser, args);
        watch(created);
        return created;
      };
      await use();
      browser.newContext = newContext;
      await Promise.all(pending);
      for (const watchedContext of watched) {
        await recordCookies(watchedContext);
        watchedContext.off("request", onRequest);
        watchedContext.off("response", onResponse);
      }
    },
    { auto: true },
  ],
});
