/** @jest-environment node */
import http from "node:http";
import { startTestApp, type AppServer } from "@/__tests__/kit/next-server";
import { createEnrolledUser, currentCode, type TestUser } from "@/__tests__/kit/users";
import { db } from "@/lib/server/platform/db";
import { openFreshDatabase } from "./fuzz-kit";
import {
  formFields,
  multipartBody,
  MULTIPART_TYPE,
  passwordStepFields,
  postCode,
  postForm,
  postPassword,
  setCookie,
} from "../kit/no-js-forms.mjs";
import type { Field } from "../kit/no-js-forms.mjs";

// CSRF and cookie hardening against a real `next start` (ASVS 3.3.1-3.3.4,
// 3.5.1-3.5.3): browsers post forms without JavaScript the way they do in a
// cross-site attack, and the cookies and headers are read off real answers.
const databaseUrl = openFreshDatabase("cross-origin");
jest.setTimeout(600_000);

const EVIL = "https://evil.example";

let app: AppServer;
let ipCounter = 0;
const nextIp = () => `198.18.7.${(ipCounter++ % 250) + 1}`;

const start = (appUrl: (port: number) => string): Promise<AppServer> =>
  startTestApp({ databaseUrl, outbox: "outbox-cross-origin", appUrl });

beforeAll(async () => {
  app = await start((port) => `http://127.0.0.1:${port}`);
});

afterAll(async () => {
  await app?.stop();
});

async function loginFields(user: TestUser): Promise<Field[]> {
  const hidden = await formFields(app.origin, "/login", "identifier");
  return passwordStepFields(hidden, user.username, user.password);
}

const challengesOf = (user: TestUser) => db.signInChallenge.count({ where: { userId: user.id } });

// A request with full control of Host (fetch sets it from the URL).
function rawPost(headers: Record<string, string>, body: string): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: "127.0.0.1", port: app.port, path: "/login", method: "POST", headers },
      (response) => {
        response.resume();
        response.on("end", () => resolve({ status: response.statusCode ?? 0 }));
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

describe("cross-site form posts (CSRF)", () => {
  it("refuses a cross-site post of the sign-in form with 403, before the action runs", async () => {
    const user = await createEnrolledUser();
    const response = await postForm(app.origin, "/login", await loginFields(user), {
      origin: EVIL,
      "x-forwarded-for": nextIp(),
    });
    expect(response.status).toBe(403);
    expect(setCookie(response, "2fa-challenge")).toBeUndefined();
    expect(await challengesOf(user)).toBe(0);
  });

  it("refuses a cross-site post that forges X-Forwarded-Host to match its Origin", async () => {
    const user = await createEnrolledUser();
    const response = await postForm(app.origin, "/login", await loginFields(user), {
      origin: EVIL,
      "x-forwarded-host": "evil.example",
      "x-forwarded-proto": "https",
      "x-forwarded-for": nextIp(),
    });
    expect(response.status).toBe(403);
    expect(await challengesOf(user)).toBe(0);
  });

  it("refuses a cross-site post that forges the Host header to match its Origin", async () => {
    const user = await createEnrolledUser();
    const { status } = await rawPost(
      {
        host: "evil.example",
        origin: EVIL,
        "content-type": MULTIPART_TYPE,
        "x-forwarded-for": nextIp(),
      },
      multipartBody(await loginFields(user)),
    );
    expect(status).toBe(403);
    expect(await challengesOf(user)).toBe(0);
  });

  it.each([
    ["null (a sandboxed frame or a redirected post)", "null"],
    ["malformed", "not a url"],
    ["a look-alike host", `${EVIL.replace("evil.example", "127.0.0.1.evil.example")}`],
    ["the right host on another scheme", "https://127.0.0.1"],
  ])("refuses a post whose Origin is %s with 403", async (_name, origin) => {
    const user = await createEnrolledUser();
    const response = await postForm(app.origin, "/login", await loginFields(user), {
      origin,
      "x-forwarded-for": nextIp(),
    });
    expect(response.status).toBe(403);
    expect(await challengesOf(user)).toBe(0);
  });

  it("refuses a cross-site post without Origin that Sec-Fetch-Site marks cross-site", async () => {
    const user = await createEnrolledUser();
    const response = await fetch(`${app.origin}/login`, {
      method: "POST",
      headers: {
        "content-type": MULTIPART_TYPE,
        "sec-fetch-site": "cross-site",
        "x-forwarded-for": nextIp(),
      },
      body: multipartBody(await loginFields(user)),
      redirect: "manual",
    });
    expect(response.status).toBe(403);
    expect(await challengesOf(user)).toBe(0);
  });

  it.each([
    "/register",
    "/verify-email",
    "/login",
    "/login/verify",
    "/setup-2fa",
    "/settings/security",
    "/token",
    "/token_input",
    "/",
    "/api/auth/signout",
    "/api/auth/callback/credentials",
  ])("refuses a cross-site post to %s with 403", async (target) => {
    const response = await postForm(app.origin, target, [["x", "y"]], {
      origin: EVIL,
      "x-forwarded-for": nextIp(),
    });
    expect(response.status).toBe(403);
  });

  it("still accepts the sign-in form posted from the app's own origin", async () => {
    const user = await createEnrolledUser();
    const response = await postForm(app.origin, "/login", await loginFields(user), {
      "x-forwarded-for": nextIp(),
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toMatch(/^\/login\/verify/);
    expect(setCookie(response, "2fa-challenge")).toBeDefined();
    expect(await challengesOf(user)).toBe(1);
  });

  it("lets a post without Origin or Sec-Fetch-Site through (not a browser, so no victim's cookies)", async () => {
    const user = await createEnrolledUser();
    const response = await fetch(`${app.origin}/login`, {
      method: "POST",
      headers: { "content-type": MULTIPART_TYPE, "x-forwarded-for": nextIp() },
      body: multipartBody(await loginFields(user)),
      redirect: "manual",
    });
    expect(response.status).toBe(303);
  });
});

// Both steps of a sign-in over HTTP; returns the Set-Cookie lines of each.
async function signInOverHttp(
  server: AppServer,
  origin: string,
  user: TestUser,
  cookies: { challenge: string; session: string },
) {
  const ip = nextIp();
  const login = await postPassword(server.origin, user.username, user.password, {
    origin,
    "x-forwarded-for": ip,
  });
  const challengeLine = setCookie(login, cookies.challenge);
  if (!challengeLine) throw new Error(`no ${cookies.challenge} cookie (status ${login.status})`);
  const challenge = challengeLine.split(";")[0];
  const verifyPath = login.headers.get("location") as string;
  const verify = await postCode(server.origin, verifyPath, await currentCode(user.secret), {
    origin,
    cookie: challenge,
    "x-forwarded-for": ip,
  });
  const sessionLine = setCookie(verify, cookies.session);
  if (!sessionLine) throw new Error(`no ${cookies.session} cookie (status ${verify.status})`);
  return { challengeLine, sessionLine };
}

const attributes = (line: string): string[] =>
  line
    .split(";")
    .slice(1)
    .map((part) => part.trim().toLowerCase());

describe("session cookies", () => {
  it("are HttpOnly, SameSite=Lax and Path=/ (challenge and session, over http)", async () => {
    const user = await createEnrolledUser();
    const { challengeLine, sessionLine } = await signInOverHttp(app, app.origin, user, {
      challenge: "2fa-challenge",
      session: "authjs.session-token",
    });
    for (const line of [challengeLine, sessionLine]) {
      expect(attributes(line)).toEqual(expect.arrayContaining(["httponly", "samesite=lax", "path=/"]));
      expect(attributes(line)).not.toContain("secure");
    }
  });

  it("are Secure and carry the __Host-/__Secure- prefixes when APP_URL is https", async () => {
    const secure = await start((port) => `https://127.0.0.1:${port}`);
    try {
      const publicOrigin = secure.origin.replace("http:", "https:");
      const user = await createEnrolledUser();
      const { challengeLine, sessionLine } = await signInOverHttp(secure, publicOrigin, user, {
        challenge: "__Host-2fa-challenge",
        session: "__Secure-authjs.session-token",
      });
      for (const line of [challengeLine, sessionLine]) {
        expect(attributes(line)).toEqual(
          expect.arrayContaining(["httponly", "samesite=lax", "path=/", "secure"]),
        );
      }
      expect(attributes(challengeLine).some((part) => part.startsWith("domain="))).toBe(false);
      // The middleware reads the session under the same name.
      const dashboard = await fetch(`${secure.origin}/dashboard`, {
        headers: { cookie: sessionLine.split(";")[0] },
        redirect: "manual",
      });
      expect(dashboard.status).toBe(200);
    } finally {
      await secure.stop();
    }
  });
});

describe("security headers", () => {
  it.each([
    ["a page", "/login", 200],
    ["an API answer", "/api/me", 401],
    ["a 404", "/no-such-page", 404],
  ])(
    "%s carries CSP with frame-ancestors 'none', nosniff, Referrer-Policy and HSTS",
    async (_name, target, status) => {
      const response = await fetch(`${app.origin}${target}`, { redirect: "manual" });
      expect(response.status).toBe(status);
      expect(response.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
      expect(response.headers.get("strict-transport-security")).toMatch(/^max-age=\d{8,}; includeSubDomains/);
    },
  );

  it("the 403 refusal of a cross-site post carries them too", async () => {
    const response = await postForm(app.origin, "/login", [["x", "y"]], {
      origin: EVIL,
      "x-forwarded-for": nextIp(),
    });
    expect(response.status).toBe(403);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("strict-transport-security")).toMatch(/^max-age=/);
  });
});
