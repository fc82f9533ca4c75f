import { safeCallbackPath } from "@/lib/auth/routes";
import { RETRY_AFTER_SECONDS } from "@/lib/server/platform/unavailable";

// The page shown while the database is unreachable (lib/server/platform/unavailable.ts
// sends pages here). A route handler, because only a route handler chooses
// its status: 503 with Retry-After tells browsers, proxies and crawlers that
// this is brief, and nothing here touches the database.
const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

function page(tryAgain: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Temporarily unavailable · Two-Factor App</title>
<style>
:root{color-scheme:light dark}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:#f8fafc;color:#0f172a;font-family:ui-sans-serif,system-ui,sans-serif}
main{max-width:28rem;margin:1rem;padding:2rem;background:#fff;border-radius:.75rem;box-shadow:0 1px 3px rgb(0 0 0/.1);text-align:center}
h1{font-size:1.5rem;margin:0 0 1rem}p{color:#475569;line-height:1.5}
.status{color:#4f46e5;font-weight:600;font-size:.875rem}
a{display:inline-block;margin-top:.5rem;padding:.6rem 1.2rem;border-radius:.5rem;background:#4f46e5;color:#fff;font-weight:600;text-decoration:none}
@media (prefers-color-scheme:dark){body{background:#020618;color:#f8fafc}main{background:#0f172b}p{color:#cad5e2}.status{color:#a3b3ff}a{background:#a3b3ff;color:#0f172b}}
</style>
</head>
<body>
<main role="alert">
<p class="status">503</p>
<h1>Temporarily unavailable</h1>
<p>The service cannot reach its database right now. Please try again in a moment.</p>
<a href="${escapeHtml(tryAgain)}">Try again</a>
</main>
</body>
</html>
`;
}

export function GET(request: Request): Response {
  const from = safeCallbackPath(new URL(request.url).searchParams.get("from"), "/");
  return new Response(page(from), {
    status: 503,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Retry-After": String(RETRY_AFTER_SECONDS),
      "Cache-Control": "no-store",
    },
  });
}
