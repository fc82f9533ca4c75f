// Edge-safe: imported by middleware.ts.
import { appOrigin } from "./request-guards";

export const PROTECTED_PREFIXES = ["/dashboard", "/settings", "/token"] as const;

export function isProtectedPath(pathname: string): boolean {
  // "/token" guards "/token" and "/token/...", never "/token_input".
  return PROTECTED_PREFIXES.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
}

// Browsers drop TAB, CR and LF anywhere in a URL ("/\t/evil" is "//evil") and
// read a backslash as a slash, so none of them, raw or percent-encoded, is
// ever part of a path the app sends a browser to.
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\\]/;
const UNSAFE_ENCODED = /%(?:[01][0-9a-f]|7f|5c)/i;
// A path that starts with two slashes, however they are spelled, names another host.
const OTHER_HOST = /^\/(?:\/|%2f)/i;
const MAX_PATH_LENGTH = 2_048;

// The only way a path from a request becomes a Location or a link: it is
// resolved against APP_URL and kept only when it stays on APP_URL's origin,
// in its normalised form (what a browser would request); anything else gives
// `fallback`. Unicode is percent-encoded on the way, so the result is ASCII
// and always fits in a header.
export function safeCallbackPath(
  value: string | null | undefined,
  fallback = "/dashboard",
  origin = appOrigin(),
): string {
  // An absolute URL of APP_URL's origin (next-auth's redirect callback) is read as its path.
  if (value?.startsWith(`${origin}/`)) value = value.slice(origin.length);
  if (!value || value.length > MAX_PATH_LENGTH || !value.startsWith("/") || UNSAFE_CHARACTERS.test(value))
    return fallback;
  let url: URL;
  try {
    url = new URL(value, origin);
  } catch {
    return fallback;
  }
  if (url.origin !== origin) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (OTHER_HOST.test(path) || UNSAFE_ENCODED.test(path) || path.length > MAX_PATH_LENGTH) return fallback;
  return path;
}
