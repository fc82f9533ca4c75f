// A browser without JavaScript, for suites that drive a real `next start`
// over HTTP: it keeps its cookies, sends its own X-Forwarded-For, and posts
// a form with React's hidden progressive-enhancement inputs ($ACTION_REF_n,
// $ACTION_n:k, $ACTION_KEY or $ACTION_ID_...) as multipart/form-data, with
// the form reading and posting of no-js-forms.mjs (which bench/ uses too).
import { sessionCookieName } from "@/lib/auth/session-cookie";
import { decodeEntities, formsOf, multipartBody, MULTIPART_TYPE } from "@/__tests__/kit/no-js-forms.mjs";

export { decodeEntities };

export type Browser = { origin: string; ip: string; cookies: Map<string, string> };

export type Answer = { status: number; location: string | null; html: string; headers: Headers };

export function newBrowser(origin: string, ip: string): Browser {
  return { origin, ip, cookies: new Map() };
}

function keepCookies(browser: Browser, headers: Headers): void {
  for (const line of headers.getSetCookie()) {
    const [pair, ...attributes] = line.split(";");
    const name = pair.slice(0, pair.indexOf("="));
    const value = pair.slice(pair.indexOf("=") + 1);
    const expired = attributes.some((attribute) => {
      const [key, setting = ""] = attribute.trim().split("=");
      if (key.toLowerCase() === "max-age") return Number(setting) <= 0;
      return key.toLowerCase() === "expires" && Date.parse(setting) <= Date.now();
    });
    if (!value || expired) browser.cookies.delete(name);
    else browser.cookies.set(name, value);
  }
}

async function send(browser: Browser, path: string, init: RequestInit = {}): Promise<Answer> {
  const headers = new Headers(init.headers);
  headers.set("x-forwarded-for", browser.ip);
  const cookie = [...browser.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  if (cookie) headers.set("cookie", cookie);
  const response = await fetch(`${browser.origin}${path}`, { ...init, headers, redirect: "manual" });
  keepCookies(browser, response.headers);
  const location = response.headers.get("location");
  return {
    status: response.status,
    // Same-site redirects as paths, whether the app wrote them absolute or not.
    location: location?.startsWith(browser.origin) ? location.slice(browser.origin.length) : location,
    html: await response.text(),
    headers: response.headers,
  };
}

export const getPage = (browser: Browser, path: string): Promise<Answer> => send(browser, path);

// The hidden inputs of the first form whose markup contains `marker` (a
// field's `name="..."` or a button's label).
export function hiddenFields(html: string, marker: string): [string, string][] {
  for (const { markup, inputs } of formsOf(html)) {
    if (!markup.includes(marker)) continue;
    return inputs
      .filter((input) => input.type === "hidden" && input.name)
      .map((input) => [input.name, input.value ?? ""]);
  }
  throw new Error(`no form containing ${marker}`);
}

export function postForm(
  browser: Browser,
  path: string,
  hidden: [string, string][],
  values: Record<string, string>,
): Promise<Answer> {
  return send(browser, path, {
    method: "POST",
    body: multipartBody([...hidden, ...Object.entries(values)]),
    headers: { origin: browser.origin, "content-type": MULTIPART_TYPE },
  });
}

// Opens `path`, fills the form containing `marker` and submits it.
export async function submitForm(
  browser: Browser,
  path: string,
  marker: string,
  values: Record<string, string> = {},
): Promise<Answer> {
  const page = await getPage(browser, path);
  if (page.status !== 200) throw new Error(`GET ${path} answered ${page.status} (${page.location})`);
  return postForm(browser, path, hiddenFields(page.html, marker), values);
}

// Over http (APP_URL in tests), as the app names it.
export const SESSION_COOKIE = sessionCookieName(false);

// The sign-in's password step; a 303 to the second step's path on success.
export const enterPassword = (browser: Browser, identifier: string, password: string): Promise<Answer> =>
  submitForm(browser, "/login", 'name="identifier"', { identifier, password });

// The second step: an authenticator, emailed or recovery code.
export const enterCode = (browser: Browser, verifyPath: string, code: string): Promise<Answer> =>
  submitForm(browser, verifyPath, 'name="code"', { code });
