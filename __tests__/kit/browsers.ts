import { AsyncLocalStorage } from "node:async_hooks";

// The one stand-in for Next.js's request scope, so server actions and pages
// run in jest: `next/headers` answers from the browser whose scope the call
// runs in (Browser.run, AsyncLocalStorage), so parallel requests each keep
// their own cookies, or from the default `browser` outside any scope. Like a
// real browser, it drops a cookie set expired or empty and sends its jar as
// a `cookie` header, so next-auth's auth() reads the session cookie. Use with:
//   jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);
export type CookieOptions = {
  expires?: Date | number;
  maxAge?: number;
  httpOnly?: boolean;
  sameSite?: string | boolean;
  secure?: boolean;
};

export class Browser {
  readonly cookies = new Map<string, string>();
  // The attributes each kept cookie was set with, for tests that check them.
  readonly cookieOptions = new Map<string, CookieOptions>();
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

  // A fresh browser from another address: no cookies.
  reset(ip = "203.0.113.7"): void {
    this.cookies.clear();
    this.cookieOptions.clear();
    this.ip = ip;
  }

  // Runs `work` (an action, a page) as a request from this browser.
  run<T>(work: () => Promise<T>): Promise<T> {
    return scope.run(this, work);
  }
}

const scope = new AsyncLocalStorage<Browser>();

// The browser of tests that play one visitor at a time, outside Browser.run().
export const browser = new Browser("203.0.113.7", "jest");

function current(): Browser {
  return scope.getStore() ?? browser;
}

function expired(options: CookieOptions): boolean {
  if (options.maxAge !== undefined && options.maxAge <= 0) return true;
  return options.expires !== undefined && new Date(options.expires).getTime() <= Date.now();
}

const cookieStore = () => {
  const visitor = current();
  return {
    get: (name: string) => {
      const value = visitor.cookies.get(name);
      return value === undefined ? undefined : { name, value };
    },
    getAll: () => [...visitor.cookies].map(([name, value]) => ({ name, value })),
    has: (name: string) => visitor.cookies.has(name),
    set: (name: string, value: string, options: CookieOptions = {}) => {
      if (expired(options) || value === "") {
        visitor.cookies.delete(name);
        visitor.cookieOptions.delete(name);
      } else {
        visitor.cookies.set(name, value);
        visitor.cookieOptions.set(name, options);
      }
    },
    delete: (name: string) => {
      visitor.cookies.delete(name);
      visitor.cookieOptions.delete(name);
    },
  };
};

export const nextHeaders = {
  cookies: async () => cookieStore(),
  headers: async () => current().headers(),
};
