/** @jest-environment node */
import http from "node:http";
import fc from "fast-check";
import { startTestApp, type AppServer } from "@/__tests__/kit/next-server";
import { createEnrolledUser, currentCode, type TestUser } from "@/__tests__/kit/users";
import { fuzzRuns, hostileString, openFreshDatabase } from "./fuzz-kit";
import {
  formFields,
  multipartBody,
  MULTIPART_TYPE,
  passwordStepFields,
  postCode,
  postPassword,
  setCookie,
} from "../kit/no-js-forms.mjs";
import type { Field } from "../kit/no-js-forms.mjs";
import { freshIp } from "@/__tests__/kit/names";

// Fuzzing over HTTP against a real `next start`, for what only the server
// sees: wrong content types, broken multipart bodies, forged action ids and
// React's hidden action fields, junk cookies and parameters for next-auth.
// Whatever arrives, the answer is never a 5xx.
const databaseUrl = openFreshDatabase("fuzz-http");
jest.setTimeout(600_000);

let app: AppServer;
// Fuzzed posts may sign the first out (a "Sign out" form); the second
// keeps a session for the cookie tests.
let session: string;
let keptSession: string;
// Next.js's limit for a server action's body.
const MAX_BODY = 1024 * 1024;

// The pages with forms, and a field of each form to find it by.
const FORMS: [page: string, field: string][] = [
  ["/register", "username"],
  ["/login", "identifier"],
  ["/token_input", "token"],
  ["/token", ""],
  ["/settings/security", "password"],
];
const actionFields = new Map<string, Field[]>();

async function signIn(user: TestUser, extraCookie?: string): Promise<string> {
  const login = await postPassword(
    app.origin,
    user.username,
    user.password,
    extraCookie ? { cookie: extraCookie } : {},
  );
  const challenge = [(setCookie(login, "2fa-challenge") as string).split(";")[0], extraCookie]
    .filter(Boolean)
    .join("; ");
  const verifyPath = login.headers.get("location") as string;
  const verify = await postCode(app.origin, verifyPath, await currentCode(user.secret), {
    cookie: challenge,
  });
  return (setCookie(verify, "authjs.session-token") as string).split(";")[0];
}

beforeAll(async () => {
  app = await startTestApp({ databaseUrl, outbox: "outbox-fuzz-http" });
  session = await signIn(await createEnrolledUser());
  keptSession = await signIn(await createEnrolledUser());
  for (const [page, field] of FORMS) {
    const signedIn = page === "/token" || page.startsWith("/settings");
    const html = await (
      await fetch(`${app.origin}${page}`, { headers: signedIn ? { cookie: session } : {} })
    ).text();
    const form = [...html.matchAll(/<form\b[\s\S]*?<\/form>/g)].find(([markup]) =>
      field ? markup.includes(`name="${field}"`) : markup.includes("$ACTION"),
    );
    if (!form) throw new Error(`no form on ${page}`);
    const hidden = [...form[0].matchAll(/<input\b[^>]*type="hidden"[^>]*>/g)].map(([tag]): Field => {
      const name = /name="([^"]*)"/.exec(tag)?.[1] ?? "";
      const value = /value="([^"]*)"/.exec(tag)?.[1] ?? "";
      return [name.replace(/&quot;/g, '"'), value.replace(/&quot;/g, '"')];
    });
    actionFields.set(page, hidden);
  }
});

afterAll(async () => {
  await app?.stop();
});

const page = fc.constantFrom(...FORMS.map(([target]) => target));
const contentType = fc.oneof(
  fc.constant(MULTIPART_TYPE),
  fc.constantFrom(
    "multipart/form-data",
    "multipart/form-data; boundary=",
    "multipart/form-data; boundary=other",
    "application/x-www-form-urlencoded",
    "text/plain;charset=UTF-8",
    "application/json",
    "text/x-component",
    "",
  ),
  fc.string({ maxLength: 40 }),
);
// React's hidden fields, kept, corrupted or dropped one by one.
const corrupt = (fields: Field[]): fc.Arbitrary<Field[]> =>
  fc
    .array(fc.oneof(fc.constant("keep"), fc.constant("drop"), hostileString), {
      minLength: fields.length,
      maxLength: fields.length,
    })
    .map((choices) =>
      fields.flatMap(([name, value], index): Field[] => {
        const choice = choices[index];
        if (choice === "keep") return [[name, value]];
        if (choice === "drop") return [];
        return [[name, choice.slice(0, 2_000)]];
      }),
    );
const body = (target: string): fc.Arbitrary<string | Uint8Array> =>
  fc.oneof(
    fc
      .tuple(
        corrupt(actionFields.get(target) ?? []),
        fc.array(fc.tuple(fc.string({ maxLength: 20 }), hostileString), { maxLength: 4 }),
      )
      .map(([hidden, extra]) =>
        multipartBody([...hidden, ...extra.map(([name, value]): Field => [name, value.slice(0, 5_000)])]),
      ),
    hostileString,
    fc.uint8Array({ maxLength: 5_000 }),
    fc.jsonValue().map((value) => JSON.stringify(value) ?? ""),
  );
const actionHeader = fc.option(
  fc.oneof(fc.stringMatching(/^[0-9a-f]{42}$/), fc.stringMatching(/^[\x21-\x7e]{0,80}$/)),
  { freq: 2 },
);

describe("fuzzing the server actions over HTTP", () => {
  it("answers any content type, body, action id and hidden field from the app's origin without a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(
        page.chain((target) => fc.tuple(fc.constant(target), body(target))),
        contentType,
        actionHeader,
        fc.boolean(),
        async ([target, payload], type, action, signedIn) => {
          const headers: Record<string, string> = { origin: app.origin, "x-forwarded-for": freshIp() };
          if (type) headers["content-type"] = type;
          if (action !== null) headers["next-action"] = action;
          if (signedIn) headers.cookie = session;
          const response = await fetch(`${app.origin}${target}`, {
            method: "POST",
            headers,
            body: typeof payload === "string" ? payload : new Blob([new Uint8Array(payload)]),
            redirect: "manual",
          });
          await response.arrayBuffer();
          if (response.status >= 500) {
            throw new Error(
              `${target} answered ${response.status} to ${JSON.stringify({ type, action, signedIn })} ${JSON.stringify(
                typeof payload === "string" ? payload.slice(0, 300) : `<${payload.length} bytes>`,
              )}`,
            );
          }
        },
      ),
      fuzzRuns(200),
    );
    // The log names errors only: no stack trace for anything a client sent,
    // but for Next.js's own warning about an action id it does not know (a
    // 4xx; it cannot tell a forged id from one of another deployment).
    const unknownAction =
      /Error: (?:Invalid Server Actions request\.|Failed to find Server Action "[0-9a-f]*"[^\n]*\n[^\n]*)(?:\n\s*at [^\n]+)+/g;
    expect(app.output().replace(unknownAction, "")).not.toMatch(/\n\s+at .+/);
  });
});

describe("junk next-auth callback URLs (a cookie tossed from a sibling subdomain)", () => {
  const junk = ["aaaa", "javascript%3Aalert(1)", "%zz", "", "%22quoted%22"];

  it("signing in still works with a junk callback-url cookie", async () => {
    const signedIn = await signIn(await createEnrolledUser(), "authjs.callback-url=aaaa");
    expect(signedIn).toMatch(/^authjs\.session-token=ey/);
  });

  it.each(junk)("a callback-url cookie %j neither signs the user out nor breaks /api/auth", async (value) => {
    const tossed = `authjs.callback-url=${value}`;
    const dashboard = await fetch(`${app.origin}/dashboard`, {
      headers: { cookie: `${keptSession}; ${tossed}` },
      redirect: "manual",
    });
    expect(dashboard.status).toBe(200);
    for (const route of ["/api/auth/session", "/api/auth/csrf", "/api/auth/providers"]) {
      const response = await fetch(`${app.origin}${route}`, {
        headers: { cookie: tossed },
        redirect: "manual",
      });
      expect(response.status).toBe(200);
    }
  });

  it("a junk callbackUrl parameter to next-auth's routes is a 400, not a 500", async () => {
    for (const route of ["/api/auth/session", "/api/auth/signin", "/api/auth/providers"]) {
      const response = await fetch(`${app.origin}${route}?callbackUrl=aaaa`, { redirect: "manual" });
      expect(response.status).toBe(400);
    }
  });
});

describe("oversized API bodies over HTTP", () => {
  it("a 1 MB body to /api/token/validate, sent in chunks without a length, is a 413", async () => {
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 16) controller.close();
        else {
          controller.enqueue(chunk);
          sent += 1;
        }
      },
    });
    const response = await fetch(`${app.origin}/api/token/validate`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": freshIp() },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
  });
});

// What the attack pass found answered with a 500 and a stack trace in the
// log: each is a 4xx, and the log gets no stack for it (error names only).
describe("bad input that Next.js answered with a 500", () => {
  let signedIn: string;
  let loginActionId: string;

  beforeAll(async () => {
    signedIn = await signIn(await createEnrolledUser());
    loginActionId = actionIdOf(actionFields.get("/login") ?? []);
    expect(loginActionId).toMatch(/^[0-9a-f]{40,}$/);
  });

  // Runs `request` and returns its response after checking that the server
  // printed no stack trace meanwhile.
  async function withoutStackTrace(request: () => Promise<Response>): Promise<Response> {
    const before = app.output().length;
    const response = await request();
    await response.arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 150));
    const printed = app.output().slice(before);
    expect(printed).not.toMatch(/\n\s+at .+:\d+/);
    expect(printed).not.toMatch(/Body exceeded|TypeError|RangeError/);
    return response;
  }

  const sameOrigin = (location: string | null): string =>
    new URL((location ?? "").replace(/[\t\r\n]/g, ""), `${app.origin}/login`).origin;

  it.each([
    ["a newline", "/dashboard\n"],
    ["CR LF", "/dashboard\r\nSet-Cookie: x=1"],
    ["a non-Latin-1 character", "/dashboard?name=\u4e2d\u6587"],
    ["TAB between the slashes", "/\t/evil.example"],
    ["TAB and a backslash", "/\t\\evil.example"],
    ["a backslash", "/\\evil.example"],
    ["CR between the slashes", "/\r/evil.example"],
    ["LF between the slashes", "/\n/evil.example"],
    ["a dot segment", "/.//evil.example"],
    ["a percent-encoded slash", "/%2F/evil.example"],
    ["a full-width slash", "/\uff0f/evil.example"],
    ["another origin", "https://evil.example/"],
    ["javascript:", "javascript:alert(1)"],
  ])("a signed-in /login?callbackUrl= with %s redirects on this site", async (_name, callbackUrl) => {
    const response = await withoutStackTrace(() =>
      fetch(`${app.origin}/login?callbackUrl=${encodeURIComponent(callbackUrl)}`, {
        headers: { cookie: signedIn },
        redirect: "manual",
      }),
    );
    expect(response.status).toBe(307);
    const location = response.headers.get("location");
    expect(location).toMatch(/^\/(?![/\\])[\x21-\x7e]*$/);
    expect(sameOrigin(location)).toBe(app.origin);
  });

  const bigField: Field[] = [["identifier", "x".repeat(MAX_BODY + 1_000)]];
  const streamOf = (text: string) => {
    const bytes = new TextEncoder().encode(text);
    let offset = 0;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= bytes.length) controller.close();
        else {
          controller.enqueue(bytes.slice(offset, offset + 64 * 1024));
          offset += 64 * 1024;
        }
      },
    });
  };
  const post = (headers: Record<string, string>, body: BodyInit, path = "/login") =>
    withoutStackTrace(() =>
      fetch(`${app.origin}${path}`, {
        method: "POST",
        headers: { origin: app.origin, "x-forwarded-for": freshIp(), ...headers },
        body,
        redirect: "manual",
        duplex: "half",
      } as RequestInit),
    );

  it("a form post over 1 MB is a 413, with or without JavaScript, with or without a length", async () => {
    const hidden = actionFields.get("/login") ?? [];
    const noJs = multipartBody([...hidden, ...bigField]);
    expect((await post({ "content-type": MULTIPART_TYPE }, noJs)).status).toBe(413);
    expect((await post({ "content-type": MULTIPART_TYPE }, streamOf(noJs))).status).toBe(413);
    const withJs = multipartBody([
      ["0", '[{},"$K1"]'],
      ["1_identifier", bigField[0][1]],
    ]);
    const action = { "content-type": MULTIPART_TYPE, "next-action": loginActionId };
    expect((await post(action, withJs)).status).toBe(413);
    expect((await post(action, streamOf(withJs))).status).toBe(413);
    expect(
      (
        await post(
          { "content-type": "text/plain;charset=UTF-8", "next-action": loginActionId },
          `["${"x".repeat(MAX_BODY)}"]`,
        )
      ).status,
    ).toBe(413);
  });

  const deep = `${"[".repeat(5_000)}${"]".repeat(5_000)}`;
  it.each<[string, string, string]>([
    ["a 5,000-deep nested array", "text/plain;charset=UTF-8", deep],
    ["a 5,000-deep nested array in field 0", MULTIPART_TYPE, multipartBody([["0", deep]])],
    ["arguments that are not an array", "text/plain;charset=UTF-8", '{"0":"$K1"}'],
    ["arguments that are not an array, multipart", MULTIPART_TYPE, multipartBody([["0", '"$K1"']])],
    ["a reference to a missing part", "text/plain;charset=UTF-8", '["$1"]'],
    ["a reference to a missing promise", MULTIPART_TYPE, multipartBody([["0", '["$@5","$K1"]']])],
    ["a reference to a missing map", MULTIPART_TYPE, multipartBody([["0", '[{"a":"$Q9"},"$K1"]']])],
    [
      "a server reference",
      MULTIPART_TYPE,
      multipartBody([
        ["0", '["$h1","$K1"]'],
        ["1", '{"id":"x","bound":null}'],
      ]),
    ],
    [
      "a truncated multipart body",
      MULTIPART_TYPE,
      multipartBody([
        ["0", '[{},"$K1"]'],
        ["1_identifier", "alice"],
      ]).slice(0, 90),
    ],
    ["the right action with strings for arguments", "text/plain;charset=UTF-8", '["x","y"]'],
    [
      "the right action with strings for arguments, multipart",
      MULTIPART_TYPE,
      multipartBody([["0", '["x","y"]']]),
    ],
    ["the right action with no field 0", MULTIPART_TYPE, multipartBody([["1_identifier", "alice"]])],
    ["the right action with JSON", "application/json", '{"identifier":"alice"}'],
    [
      "the right action without its previous state",
      MULTIPART_TYPE,
      multipartBody([
        ["0", '["$K1"]'],
        ["1_identifier", "alice"],
      ]),
    ],
    ["the right action with three arguments", MULTIPART_TYPE, multipartBody([["0", '[{},{},"$K1"]']])],
  ])("a server action call with %s is a 400", async (_name, type, body) => {
    const response = await post({ "content-type": type, "next-action": loginActionId }, body);
    expect(response.status).toBe(400);
  });

  it.each([
    ["a malformed action id", "not-an-action"],
    ["an action id that does not exist", `60${"0".repeat(40)}`],
  ])("a server action call with %s is a 4xx", async (_name, actionId) => {
    const response = await post(
      { "content-type": "text/plain;charset=UTF-8", "next-action": actionId },
      "[]",
    );
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });

  it("still runs the sign-in action as React calls it with JavaScript", async () => {
    const body = multipartBody([
      ["0", '[{"message":"$undefined","values":{"identifier":"$$x"}},"$K1"]'],
      ["1_identifier", "nobody-here"],
      ["1_password", "not the password"],
    ]);
    const response = await post({ "content-type": MULTIPART_TYPE, "next-action": loginActionId }, body);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/x-component");
  });

  it.each<[string, (hidden: Field[]) => Field[] | string]>([
    [
      "a truncated multipart body",
      (hidden) => multipartBody([...hidden, ["identifier", "alice"]]).slice(0, 120),
    ],
    ["a 5,000-deep bound argument", (hidden) => withBound(hidden, `[${deep}]`)],
    ["a bound argument referring to a missing part", (hidden) => withBound(hidden, '["$@3"]')],
    ["a bound argument that is a server reference", (hidden) => withBound(hidden, '["$h2"]')],
    [
      "the right action named as one without state",
      (hidden) => [
        [`$ACTION_ID_${actionIdOf(hidden)}`, ""],
        ["identifier", "alice"],
      ],
    ],
    [
      "the right action without its bound state",
      (hidden) => [
        ["$ACTION_REF_1", ""],
        ["$ACTION_1:0", JSON.stringify({ id: actionIdOf(hidden), bound: null })],
        ["identifier", "alice"],
      ],
    ],
    [
      "a malformed action id",
      () => [
        ["$ACTION_ID_not-an-action", ""],
        ["identifier", "alice"],
      ],
    ],
  ])("a form posted without JavaScript with %s is a 400", async (_name, make) => {
    const made = make(actionFields.get("/login") ?? []);
    const body = typeof made === "string" ? made : multipartBody(made);
    const response = await post({ "content-type": MULTIPART_TYPE }, body);
    expect(response.status).toBe(400);
  });
});

function actionIdOf(hidden: Field[]): string {
  const descriptor = hidden.find(([name]) => /^\$ACTION_\d+:0$/.test(name));
  return (JSON.parse(descriptor?.[1] ?? "{}") as { id?: string }).id ?? "";
}

// React's hidden fields of a form with `bound` as the bound arguments' row.
function withBound(hidden: Field[], bound: string): Field[] {
  return hidden.map(([name, value]): Field =>
    /^\$ACTION_\d+:[1-9]\d*$/.test(name) ? [name, bound] : [name, value],
  );
}

// A post with full control of Host (fetch sets it from the URL).
function postWithHost(
  target: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; location?: string; cookies: string[] }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: "127.0.0.1", port: app.port, path: target, method: "POST", headers },
      (response) => {
        response.resume();
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            location: response.headers.location,
            cookies: response.headers["set-cookie"] ?? [],
          }),
        );
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

describe("server actions whose Host or X-Forwarded-Host differs from their Origin (a proxy in front)", () => {
  let logStart = 0;
  beforeAll(() => {
    logStart = app.output().length;
  });

  const signInPost = async (headers: Record<string, string>) => {
    const user = await createEnrolledUser();
    const hidden = await formFields(app.origin, "/login", "identifier");
    const body = multipartBody(passwordStepFields(hidden, user.username, user.password));
    return postWithHost(
      "/login",
      { "content-type": MULTIPART_TYPE, "x-forwarded-for": freshIp(), ...headers },
      body,
    );
  };

  // What proxies send: nginx's `Host $host` drops a non-default port, others
  // name the upstream or add X-Forwarded-Host of their own.
  it.each([
    ["Host without the port", () => ({ host: "127.0.0.1" })],
    [
      "X-Forwarded-Host without the port",
      () => ({ host: `127.0.0.1:${app.port}`, "x-forwarded-host": "127.0.0.1" }),
    ],
    ["an upstream's name as Host", () => ({ host: "app-1.internal:3000" })],
    [
      "another X-Forwarded-Host and Host",
      () => ({ host: "app-1.internal:3000", "x-forwarded-host": "proxy.internal:8080" }),
    ],
  ])("runs the sign-in action from APP_URL's origin with %s", async (_name, hosts) => {
    const answer = await signInPost({ origin: app.origin, ...hosts() });
    expect(answer.status).toBe(303);
    expect(answer.location).toMatch(/\/login\/verify\b/);
    expect(answer.cookies.some((cookie) => cookie.startsWith("2fa-challenge="))).toBe(true);
  });

  it.each([
    ["APP_URL's host without its port, and Host to match", "http://127.0.0.1", { host: "127.0.0.1" }],
    [
      "another site, and X-Forwarded-Host to match",
      "https://evil.example",
      { "x-forwarded-host": "evil.example" },
    ],
    ["another site, and Host to match", "https://evil.example", { host: "evil.example" }],
    ["another port of APP_URL's host", "http://127.0.0.1:1", { host: "127.0.0.1:1" }],
  ])("refuses with a 403 an action from %s", async (_name, origin, hosts) => {
    const answer = await signInPost({ host: `127.0.0.1:${app.port}`, origin, ...hosts });
    expect(answer.status).toBe(403);
    expect(answer.cookies).toEqual([]);
  });

  it("wrote no stack trace and no aborted action to the log", () => {
    const log = app.output().slice(logStart);
    expect(log).not.toMatch(/\n\s+at /);
    expect(log).not.toContain("Aborting the action");
  });
});
