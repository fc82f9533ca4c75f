// Edge-safe: imported by middleware.ts.

export const PROTECTED_PREFIXES = ["/dashboard", "/settings", "/token"] as const;

export function isProtectedPath(pathname: string): boolean {
  // "/token" guards "/token" and "/token/...", never "/token_input".
  return PROTECTED_PREFIXES.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
}

// Only same-site paths are followed after sign-in: an absolute or
// protocol-relative URL would be an open redirect.
export function safeCallbackPath(value: string | null | undefined, fallback = "/dashboard"): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return fallback;
  return value;
}
