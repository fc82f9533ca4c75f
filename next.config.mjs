const isProduction = process.env.NODE_ENV === "production";

// Headers for every response. The Content-Security-Policy carries a per-request
// nonce, so middleware.ts sets it.
const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  ...(isProduction
    ? [{ key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" }]
    : []),
];

// Next.js refuses a server action whose Origin host differs from
// X-Forwarded-Host (or Host), which a proxy in front may rewrite: nginx's
// `proxy_set_header Host $host;` drops a non-default port. The app knows its
// public origin, so APP_URL's host is allowed whatever Host says; middleware.ts
// refuses every other origin with a 403 before any action runs. `next start`
// evaluates this file again, so APP_URL counts as set at start, not at build.
function appHost() {
  try {
    return new URL(process.env.APP_URL || "http://localhost:3000").host;
  } catch {
    return "localhost:3000";
  }
}

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Test suites build into a folder of their own (__tests__/kit/next-server.ts).
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  reactStrictMode: true,
  experimental: { serverActions: { allowedOrigins: [appHost()] } },
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default nextConfig;
