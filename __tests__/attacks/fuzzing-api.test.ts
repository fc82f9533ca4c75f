/** @jest-environment node */
import { createHmac } from "node:crypto";
import fc from "fast-check";
import { NextRequest, type NextFetchEvent } from "next/server";
import { GET as authGet, POST as authPost } from "@/app/api/auth/[...nextauth]/route";
import { GET as me, POST as mePost } from "@/app/api/me/route";
import { GET as validateGet, POST as validate } from "@/app/api/token/validate/route";
import { validateTokenAction } from "@/app/token_input/actions";
import { base64url, SESSION_COOKIE } from "@/__tests__/kit/attacker";
import { Browser } from "@/__tests__/kit/browsers";
import { createEnrolledUser } from "@/__tests__/kit/users";
import { ACCESS_TOKEN_TYPE } from "@/lib/server/tokens/access-tokens";
import middleware from "@/middleware";
import {
  attempt,
  cookieValue,
  describeEntries,
  diffSnapshots,
  formEntries,
  fuzzRuns,
  hostileString,
  nextIp,
  rateLimitCounters,
  snapshotDatabase,
  toFormData,
  unexpectedWrites,
  type Allowance,
} from "./fuzz-kit";
import { fuzzingSuite } from "./fuzzing-suite";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);
fuzzingSuite("fuzz-api");

// Input fuzzing of everything that takes a token or speaks JSON (ASVS 1.2,
// 2.2.1, 4.1): /token_input's action, GET /api/me, POST /api/token/validate
// and next-auth's route handlers. Never a 5xx, never a throw, never a token
// accepted, nothing written but the API's per-IP counters.

let userId: string;

beforeAll(async () => {
  userId = (await createEnrolledUser()).id;
});

// JWT-shaped strings: random headers (alg none, RS256, kid/jku), random
// claims of every type, random signatures; some signed with the real
// secret around claims of the wrong shape.
const header = fc.oneof(
  fc.jsonValue(),
  fc.record(
    {
      alg: fc.constantFrom("none", "None", "HS256", "HS512", "RS256", "ES256", "PS256", ""),
      typ: fc.constantFrom("JWT", "at+jwt", "JWE", ""),
      kid: fc.oneof(fc.string(), fc.constantFrom("../../dev/null", "' OR 1=1 --")),
      jku: fc.webUrl(),
      enc: fc.constantFrom("A256CBC-HS512", "A256GCM"),
    },
    { requiredKeys: [] },
  ),
);
const claimValue = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.object(),
);
const claims = fc.oneof(
  fc.jsonValue(),
  fc.record(
    {
      sub: fc.oneof(claimValue, fc.constant("__user__")),
      typ: fc.oneof(claimValue, fc.constant(ACCESS_TOKEN_TYPE)),
      ver: claimValue,
      iat: claimValue,
      exp: fc.oneof(claimValue, fc.integer({ min: 2_000_000_000, max: 2_100_000_000 })),
      jti: claimValue,
      mfa: claimValue,
    },
    { requiredKeys: [] },
  ),
);
const withUser = (value: unknown): unknown =>
  value && typeof value === "object" && (value as { sub?: unknown }).sub === "__user__"
    ? { ...value, sub: userId }
    : value;

const jwtShaped = fc.oneof(
  fc
    .tuple(header, claims, fc.oneof(fc.string(), fc.base64String(), fc.constant("")))
    .map(
      ([head, body, signature]) =>
        `${base64url(head as object)}.${base64url(withUser(body) as object)}.${signature}`,
    ),
  fc.tuple(claims, fc.constantFrom("HS256", "HS512")).map(([body, alg]) => {
    const signed = `${base64url({ alg, typ: "JWT" })}.${base64url(withUser(body) as object)}`;
    const mac = createHmac(alg === "HS256" ? "sha256" : "sha512", process.env.JWT_SECRET as string);
    return `${signed}.${mac.update(signed).digest("base64url")}`;
  }),
  fc.array(fc.base64String(), { minLength: 1, maxLength: 7 }).map((parts) => parts.join(".")),
);
const anyToken = fc.oneof({ arbitrary: jwtShaped, weight: 2 }, { arbitrary: hostileString, weight: 1 });

const apiCounters = (name: string): Allowance => rateLimitCounters(`api:${name}:ip:`);

async function expectJsonAnswer(response: Response, statuses: number[]): Promise<unknown> {
  expect(statuses).toContain(response.status);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  return response.json();
}

// Found by the fuzzer: jws parses the payload of a token whose header says
// typ "JWT" before any signature check, and threw on a payload that is not
// JSON, so anyone could make the token endpoints answer 500.
describe("a token whose header says JWT but whose payload is not JSON", () => {
  const token = `${base64url({ alg: "HS256", typ: "JWT" })}.${base64url("not json")}.c2lnbmF0dXJl`;

  it("is malformed to /token_input, /api/token/validate and /api/me, never a 500", async () => {
    const { outcome } = await attempt(
      new Browser(nextIp()),
      () => validateTokenAction({}, toFormData([["token", token]])),
      token,
    );
    expect(outcome.result?.verdict).toMatchObject({ valid: false, reason: "malformed" });
    const validated = apiRequest("/api/token/validate", { method: "POST", body: JSON.stringify({ token }) });
    expect(await expectJsonAnswer(await validate(validated as Request), [200])).toMatchObject({
      valid: false,
      reason: "malformed",
    });
    const asBearer = apiRequest("/api/me", { headers: { authorization: `Bearer ${token}` } });
    await expectJsonAnswer(await me(asBearer as Request), [401]);
  });
});

describe("fuzzing the /token_input action", () => {
  it("answers any token field without a throw, never calling a forged token valid, writing only its per-IP counter", async () => {
    await fc.assert(
      fc.asyncProperty(formEntries(["token"], { token: jwtShaped }), async (entries) => {
        const { outcome, changes } = await attempt(
          new Browser(nextIp()),
          () => validateTokenAction({}, toFormData(entries)),
          describeEntries(entries),
        );
        expect(unexpectedWrites(changes, apiCounters("token-validate"))).toEqual([]);
        expect(outcome.redirectedTo).toBeUndefined();
        expect(outcome.result?.verdict?.valid ?? false).toBe(false);
      }),
      fuzzRuns(200),
    );
  });
});

function apiRequest(path: string, init: RequestInit = {}): Request | null {
  try {
    const headers = new Headers(init.headers);
    headers.set("x-forwarded-for", nextIp());
    return new Request(`http://localhost:3000${path}`, { ...init, headers });
  } catch {
    // Not a request a client could send (a header value fetch refuses).
    return null;
  }
}

const contentType = fc.oneof(
  fc.constantFrom(
    "application/json",
    "application/json; charset=utf-16",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "multipart/form-data",
    "application/xml",
    "",
  ),
  fc.string({ maxLength: 40 }),
);
const body = fc.oneof(
  fc.jsonValue().map((value) => JSON.stringify(value) ?? ""),
  fc
    .record({ token: fc.oneof(anyToken, fc.jsonValue()) }, { requiredKeys: [] })
    .map((value) => JSON.stringify(value)),
  anyToken.map((token) => JSON.stringify({ token, extra: [1, { nested: true }] })),
  hostileString,
  fc.uint8Array({ maxLength: 9_000 }),
);

describe("fuzzing POST /api/token/validate", () => {
  it("answers any body and content type with JSON and a 4xx or a verdict, never a 5xx or a valid forged token", async () => {
    await fc.assert(
      fc.asyncProperty(body, contentType, async (payload, type) => {
        const request = apiRequest("/api/token/validate", {
          method: "POST",
          body: typeof payload === "string" ? payload : new Uint8Array(payload),
          headers: type ? { "content-type": type } : {},
        });
        fc.pre(request !== null);
        const before = await snapshotDatabase();
        const answer = (await expectJsonAnswer(await validate(request as Request), [200, 400, 413])) as {
          valid?: boolean;
        };
        expect(answer.valid ?? false).toBe(false);
        expect(
          unexpectedWrites(diffSnapshots(before, await snapshotDatabase()), apiCounters("token-validate")),
        ).toEqual([]);
      }),
      fuzzRuns(200),
    );
  });

  it("refuses GET with 405", async () => {
    await expectJsonAnswer(await validateGet(), [405]);
  });
});

describe("fuzzing GET /api/me", () => {
  const authorization = fc.oneof(
    anyToken.map((token) => `Bearer ${token}`),
    fc
      .tuple(fc.constantFrom("Bearer", "bearer", "Basic", "Token", ""), fc.string())
      .map(([scheme, rest]) => `${scheme} ${rest}`),
    hostileString,
  );

  it("answers any Authorization header with 401 and WWW-Authenticate, never a 5xx, writing only its per-IP counter", async () => {
    await fc.assert(
      fc.asyncProperty(authorization, fc.option(cookieValue), async (header, session) => {
        const headers: Record<string, string> = { authorization: header };
        if (session !== null) headers.cookie = `${SESSION_COOKIE}=${session}`;
        const request = apiRequest("/api/me", { headers });
        fc.pre(request !== null);
        const before = await snapshotDatabase();
        const response = await me(request as Request);
        await expectJsonAnswer(response, [401]);
        expect(response.headers.get("www-authenticate")).toMatch(/^Bearer /);
        expect(unexpectedWrites(diffSnapshots(before, await snapshotDatabase()), apiCounters("me"))).toEqual(
          [],
        );
      }),
      fuzzRuns(200),
    );
  });

  it("refuses POST with 405", async () => {
    await expectJsonAnswer(await mePost(), [405]);
  });
});

// As Next.js serves a route: middleware.ts first; if it lets the request
// through, the handler gets the request with the headers it rewrote.
async function throughMiddleware(
  request: NextRequest,
  handler: (request: NextRequest) => Promise<Response>,
): Promise<Response> {
  const run = middleware as unknown as (request: NextRequest, event: NextFetchEvent) => Promise<Response>;
  const verdict = await run(
    new NextRequest(request.url, { method: request.method, headers: request.headers }),
    {} as NextFetchEvent,
  );
  if (verdict.headers.get("x-middleware-next") !== "1") return verdict;
  const overridden = verdict.headers.get("x-middleware-override-headers");
  if (!overridden) return handler(request);
  const headers = new Headers();
  for (const name of overridden.split(",")) {
    const value = verdict.headers.get(`x-middleware-request-${name}`);
    if (value !== null) headers.set(name, value);
  }
  return handler(new NextRequest(request, { headers }));
}

describe("fuzzing next-auth's route handlers", () => {
  const action = fc.oneof(
    fc.constantFrom(
      "session",
      "csrf",
      "providers",
      "signin",
      "signin/credentials",
      "signout",
      "callback/credentials",
      "callback/github",
      "error",
      "verify-request",
      "webauthn-options/x",
      "",
    ),
    fc.string({ maxLength: 30 }).map((path) => encodeURIComponent(path)),
  );
  const query = fc.dictionary(
    fc.constantFrom("callbackUrl", "error", "csrf", "redirect", "json", "provider"),
    fc.oneof(fc.constantFrom("https://evil.example/", "//evil.example", "javascript:alert(1)"), fc.string()),
    { maxKeys: 3 },
  );
  const cookies = fc.dictionary(
    fc.constantFrom(SESSION_COOKIE, "authjs.csrf-token", "authjs.callback-url", "2fa-challenge"),
    fc.oneof(cookieValue, fc.constantFrom("https%3A%2F%2Fevil.example%2F", "abc%7Cdef")),
    { maxKeys: 4 },
  );

  it("answers any path, query, cookie and body without a 5xx or a write, and never redirects to another site", async () => {
    await fc.assert(
      fc.asyncProperty(
        action,
        query,
        cookies,
        fc.constantFrom("GET", "POST"),
        body,
        contentType,
        async (path, params, jar, method, payload, type) => {
          const url = new URL(`http://localhost:3000/api/auth/${path}`);
          for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
          let request: NextRequest;
          try {
            request = new NextRequest(url, {
              method,
              headers: {
                host: "localhost:3000",
                "x-forwarded-proto": "http",
                "x-forwarded-for": nextIp(),
                ...(type ? { "content-type": type } : {}),
                cookie: Object.entries(jar)
                  .map(([name, value]) => `${name}=${value}`)
                  .join("; "),
              },
              body:
                method === "POST"
                  ? typeof payload === "string"
                    ? payload
                    : new Uint8Array(payload)
                  : undefined,
            });
          } catch {
            return fc.pre(false);
          }
          const before = await snapshotDatabase();
          // The route reads the session through next/headers, as in a real request.
          const browser = new Browser();
          for (const [name, value] of Object.entries(jar)) browser.cookies.set(name, value);
          const response = await browser.run(() =>
            throughMiddleware(request, method === "GET" ? authGet : authPost),
          );
          expect(response.status).toBeLessThan(500);
          const location = response.headers.get("location");
          if (location)
            expect(new URL(location, "http://localhost:3000").origin).toBe("http://localhost:3000");
          expect(
            response.headers.getSetCookie().some((line) => line.startsWith(`${SESSION_COOKIE}=ey`)),
          ).toBe(false);
          expect(unexpectedWrites(diffSnapshots(before, await snapshotDatabase()))).toEqual([]);
        },
      ),
      fuzzRuns(200),
    );
  });
});
