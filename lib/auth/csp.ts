// Edge-safe: imported by middleware.ts.

function directives(development: boolean, nonceSource: string): string {
  const policy: Record<string, string[]> = {
    "default-src": ["'self'"],
    // 'strict-dynamic' lets Next.js's nonce'd bootstrap load its chunks;
    // development needs eval for React's debugging aids.
    "script-src": ["'self'", nonceSource, "'strict-dynamic'", ...(development ? ["'unsafe-eval'"] : [])],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'", ...(development ? ["ws:"] : [])],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
  };
  return Object.entries(policy)
    .map(([name, values]) => `${name} ${values.join(" ")}`)
    .join("; ");
}

// Built on every request that middleware lets through, so the policy is
// assembled once per mode and only the nonce is put in per request.
const SLOT = "'nonce-\u0000'";
const templates = new Map<boolean, readonly [string, string]>();

export function contentSecurityPolicy(nonce: string, development: boolean): string {
  let parts = templates.get(development);
  if (!parts) {
    const [before, after] = directives(development, SLOT).split(SLOT);
    parts = [before ?? "", after ?? ""] as const;
    templates.set(development, parts);
  }
  return `${parts[0]}'nonce-${nonce}'${parts[1]}`;
}
