// A stand-in for Next.js's request scope, so server actions can run in jest:
// `next/headers` answers from this in-memory browser (its cookies and
// request headers). Use with:
//   jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/request-scope").nextHeaders);
type CookieOptions = {
  expires?: Date;
  maxAge?: number;
  httpOnly?: boolean;
  sameSite?: string;
  secure?: boolean;
};

const ORIGIN = "http://localhost:3000";
const requestHeaders = (ip: string) =>
  new Headers({
    host: "localhost:3000",
    "x-forwarded-proto": "http",
    "user-agent": "jest",
    "x-forwarded-for": ip,
  });

export const browser = {
  cookies: new Map<string, { value: string; options: CookieOptions }>(),
  headers: requestHeaders("203.0.113.7"),
  reset(ip = "203.0.113.7"): void {
    this.cookies.clear();
    this.headers = requestHeaders(ip);
  },
};

const cookieStore = {
  get: (name: string) => {
    const cookie = browser.cookies.get(name);
    return cookie ? { name, value: cookie.value } : undefined;
  },
  getAll: () => [...browser.cookies].map(([name, cookie]) => ({ name, value: cookie.value })),
  has: (name: string) => browser.cookies.has(name),
  set: (name: string, value: string, options: CookieOptions = {}) => {
    browser.cookies.set(name, { value, options });
  },
  delete: (name: string) => {
    browser.cookies.delete(name);
  },
};

export const nextHeaders = {
  cookies: async () => cookieStore,
  headers: async () => browser.headers,
};

// Runs an action that may end in redirect(); returns where it went, if anywhere.
export async function runAction<T>(action: () => Promise<T>): Promise<{ result?: T; redirectedTo?: string }> {
  try {
    return { result: await action() };
  } catch (error) {
    const digest = (error as { digest?: string }).digest;
    if (typeof digest === "string" && digest.startsWith("NEXT_REDIRECT")) {
      // next-auth redirects to absolute URLs, next/navigation to paths.
      return { redirectedTo: digest.split(";")[2].replace(ORIGIN, "") };
    }
    throw error;
  }
}

export function form(fields: Record<string, string | Blob>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  return data;
}
