import { AsyncLocalStorage } from "node:async_hooks";

// Many browsers at once, for attack tests: `next/headers` answers from the
// browser whose scope the call runs in (AsyncLocalStorage), so parallel
// requests each keep their own cookies. Unlike request-scope.ts, the request
// headers carry the jar as a `cookie` header, the way a real browser sends
// it, so next-auth's auth() reads the session cookie. Use with:
//   jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);
type CookieOptions = { expires?: Date | number; maxAge?: number };

export class Browser {
  readonly cookies = new Map<string, string>();
  constructor(
    public ip = "203.0.113.7",
    public userAgent = "jest-attacker",
  ) {}

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  headers(): Headers {
    const headers = new Headers({
      host: "localhost:3000",
      "x-forwarded-proto": "http",
      "user-agent": this.userAgent,
      "x-forwarded-for": this.ip,
    });
    const cookie = this.cookieHeader();
    if (cookie) headers.set("cookie", cookie);
    return headers;
  }

  // Runs `work` (an action, a page) as a request from this browser.
  run<T>(work: () => Promise<T>): Promise<T> {
    return scope.run(this, work);
  }
}

const scope = new AsyncLocalStorage<Browser>();

function current(): Browser {
  const browser = scope.getStore();
  if (!browser) throw new Error("next/headers was called outside Browser.run()");
  return browser;
}

function expired(options: CookieOptions): boolean {
  if (options.maxAge !== undefined && options.maxAge <= 0) return true;
  return options.expires !== undefined && new Date(options.expires).getTime() <= Date.now();
}

const cookieStore = () => {
  const browser = current();
  return {
    get: (name: string) => {
      const value = browser.cookies.get(name);
      return value === undefined ? undefined : { name, value };
    },
    getAll: () => [...browser.cookies].map(([name, value]) => ({ name, value })),
    has: (name: string) => browser.cookies.has(name),
    set: (name: string, value: string, options: CookieOptions = {}) => {
      if (expired(options) || value === "") browser.cookies.delete(name);
      else browser.cookies.set(name, value);
    },
    delete: (name: string) => {
      browser.cookies.delete(name);
    },
  };
};

export const nextHeaders = {
  cookies: async () => cookieStore(),
  headers: async () => current().headers(),
};
