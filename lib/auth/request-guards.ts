// Edge-safe: imported by middleware.ts and the rest of lib/auth/.
import { argumentCountFits, isPlainReplyModel } from "./form-posts";

// The public origin, from APP_URL (validated at start-up by lib/server/platform/env.ts).
export function appOrigin(): string {
  try {
    return new URL(process.env.APP_URL || "http://localhost:3000").origin;
  } catch {
    return "http://localhost:3000";
  }
}

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

// CSRF (ASVS 3.5.1): a state-changing request that a browser sent from
// another site. Browsers send Origin with every POST; without one, Sec-Fetch-Site
// still tells a cross-site request. A request with neither is not a browser's,
// so it carries no victim's cookies. The allowed origin is APP_URL's, never one
// derived from Host or X-Forwarded-Host, which a client can set.
export function isCrossSiteWrite(request: Request, allowedOrigins: string[]): boolean {
  if (!UNSAFE_METHODS.has(request.method)) return false;
  const origin = request.headers.get("origin");
  if (origin === null) return request.headers.get("sec-fetch-site") === "cross-site";
  return !allowedOrigins.includes(origin);
}

const CALLBACK_COOKIES = new Set(["authjs.callback-url", "__Secure-authjs.callback-url"]);

function isHttpUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value, value.startsWith("/") ? "http://localhost" : undefined).protocol);
  } catch {
    return false;
  }
}

function decoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

// next-auth answers every request whose callback-url cookie is not a URL as
// a server misconfiguration: a 500 from /api/auth, and auth() finds no
// session, so one junk cookie (set by the client, or tossed from a sibling
// subdomain) would sign a user out of every page and stop them signing in.
// The app names its redirects itself and never needs that cookie, so a
// Cookie header holding a junk one is returned without it; null when it is fine.
export function withoutJunkCallbackCookie(cookieHeader: string | null): string | null {
  if (!cookieHeader) return null;
  const pairs = cookieHeader.split(";");
  const kept = pairs.filter((pair) => {
    const at = pair.indexOf("=");
    const name = (at < 0 ? pair : pair.slice(0, at)).trim();
    if (!CALLBACK_COOKIES.has(name)) return true;
    const value = at < 0 ? "" : pair.slice(at + 1).trim();
    return isHttpUrl(value) && isHttpUrl(decoded(value));
  });
  return kept.length === pairs.length ? null : kept.join(";").trim();
}

// The same next-auth check on a callbackUrl parameter of its own routes: a
// junk one is bad input (400), not a server error.
export function hasJunkCallbackParam(url: URL): boolean {
  return (
    url.pathname.startsWith("/api/auth/") &&
    url.searchParams.getAll("callbackUrl").some((value) => !isHttpUrl(value))
  );
}

function parseJson(value: FormDataEntryValue | null): unknown {
  if (typeof value !== "string") return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

// A form posted without JavaScript names its server action in React's hidden
// fields: "$ACTION_REF_n", a descriptor "$ACTION_n:0" ({"id","bound":"$@k"})
// and the bound arguments "$ACTION_n:k" (the form state, a JSON array).
// Next.js answers a 500 when such a body is not multipart at all or when a
// bound row is missing, not JSON, or more than plain JSON (form-posts.ts), so
// those are refused as bad input. Like isMalformedActionCall, it reads the
// request's own body (middleware's copy), not a clone.
export async function isMalformedFormPost(request: Request): Promise<boolean> {
  const type = request.headers.get("content-type") ?? "";
  if (
    request.method !== "POST" ||
    request.headers.has("next-action") ||
    !type.startsWith("multipart/form-data")
  ) {
    return false;
  }
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return true;
  }
  for (const key of form.keys()) {
    // A form action without bound arguments: called with the FormData alone.
    if (key.startsWith("$ACTION_ID_") && !argumentCountFits(key.slice("$ACTION_ID_".length), 1)) return true;
    if (!key.startsWith("$ACTION_REF_")) continue;
    const prefix = `$ACTION_${key.slice("$ACTION_REF_".length)}:`;
    const descriptor = parseJson(form.get(`${prefix}0`)) as { id?: unknown; bound?: unknown } | undefined;
    if (typeof descriptor !== "object" || descriptor === null || typeof descriptor.id !== "string")
      return true;
    if (descriptor.bound === null || descriptor.bound === undefined) {
      if (!argumentCountFits(descriptor.id, 1)) return true;
      continue;
    }
    const row = typeof descriptor.bound === "string" ? /^\$@([0-9a-f]+)$/.exec(descriptor.bound) : null;
    const index = row?.[1];
    if (index === undefined) return true;
    const bound = parseJson(form.get(`${prefix}${parseInt(index, 16)}`));
    if (!Array.isArray(bound) || !isPlainReplyModel(bound)) return true;
    if (!argumentCountFits(descriptor.id, bound.length + 1)) return true;
  }
  return false;
}
