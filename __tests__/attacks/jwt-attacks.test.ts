/** @jest-environment node */
import { createHmac, generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import { CompactSign, EncryptJWT, exportJWK } from "jose";
import jwt from "jsonwebtoken";
import { GET as me } from "@/app/api/me/route";
import { POST as validatePost } from "@/app/api/token/validate/route";
import { signOutAction } from "@/app/_components/sign-out-action";
import DashboardPage from "@/app/dashboard/page";
import { signOutEverywhereAction } from "@/app/settings/security/actions";
import { issueTokenAction } from "@/app/token/actions";
import { validateTokenAction } from "@/app/token_input/actions";
import {
  apiRequest,
  base64url,
  completeSessionClaims,
  freshIp,
  mintSession,
  PROTECTED_PAGES,
  quietAuthErrors,
  SESSION_COOKIE,
  signInFully,
  throughMiddleware,
} from "@/__tests__/kit/attacker";
import { Browser } from "@/__tests__/kit/browsers";
import { form, runAction } from "@/__tests__/kit/request-scope";
import { createEnrolledUser, type TestUser } from "@/__tests__/kit/users";
import { currentAccessToken, type AccessTokenClaims } from "@/lib/server/tokens/access-tokens";
import { db } from "@/lib/server/platform/db";
import { getCurrentSession } from "@/lib/server/sign-in/session";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);
quietAuthErrors();

// The attacker's own keys: nothing of the app's is known to them.
const attackerRsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
const attackerPublicPem = attackerRsa.publicKey.export({ type: "spki", format: "pem" }).toString();
const ATTACKER_JKU = "https://attacker.example/.well-known/jwks.json";

const hs256 = (header: object, payload: object, key: string | Buffer): string => {
  const input = `${base64url(header)}.${base64url(payload)}`;
  return `${input}.${createHmac("sha256", key).update(input).digest("base64url")}`;
};

async function rs256(header: Record<string, unknown>, payload: object, key: KeyObject): Promise<string> {
  return new CompactSign(Buffer.from(JSON.stringify(payload)))
    .setProtectedHeader({ ...header, alg: "RS256" })
    .sign(key);
}

async function withJwkHeader(header: Record<string, unknown>, payload: object): Promise<string> {
  const jwk = await exportJWK(attackerRsa.publicKey);
  return rs256({ ...header, jwk, kid: "attacker" }, payload, attackerRsa.privateKey);
}

let user: TestUser;
let fetchSpy: jest.SpiedFunction<typeof fetch>;

beforeEach(async () => {
  user = await createEnrolledUser();
  // No attack may make the app fetch a key from a URL the token names.
  fetchSpy = jest.spyOn(globalThis, "fetch");
});

afterEach(() => {
  expect(fetchSpy).not.toHaveBeenCalled();
});

describe("attacks on the session token", () => {
  let claims: Record<string, unknown>;
  beforeEach(async () => {
    claims = await completeSessionClaims(user);
  });

  // Both layers: the edge middleware and the server-side check.
  async function expectRefused(cookieValue: string): Promise<void> {
    const cookie = `${SESSION_COOKIE}=${cookieValue}`;
    for (const path of PROTECTED_PAGES) {
      expect(await throughMiddleware(path, cookie)).toMatchObject({ passed: false, status: 307 });
    }
    const attacker = new Browser(freshIp());
    attacker.cookies.set(SESSION_COOKIE, cookieValue);
    expect(await attacker.run(() => getCurrentSession())).toBeNull();
  }

  it("control: a session token made with the app's secret is accepted by both layers", async () => {
    const cookieValue = await mintSession(claims);
    expect(await throughMiddleware("/dashboard", `${SESSION_COOKIE}=${cookieValue}`)).toMatchObject({
      passed: true,
    });
    const browser = new Browser(freshIp());
    browser.cookies.set(SESSION_COOKIE, cookieValue);
    expect((await browser.run(() => getCurrentSession()))?.user.id).toBe(user.id);
  });

  it.each(["none", "None", "NONE"])('refuses alg "%s" (an unsigned token claiming 2FA)', async (alg) => {
    await expectRefused(`${base64url({ alg, typ: "JWT" })}.${base64url(claims)}.`);
  });

  it("refuses a JWE whose header says alg none", async () => {
    const genuine = await mintSession(claims);
    const [, ...rest] = genuine.split(".");
    await expectRefused([base64url({ alg: "none", enc: "A256CBC-HS512" }), ...rest].join("."));
  });

  it("refuses HS/RS confusion: a token signed HS256 with a public key as the secret", async () => {
    await expectRefused(hs256({ alg: "HS256", typ: "JWT" }, claims, attackerPublicPem));
  });

  it("refuses HS/RS confusion: an RS256 token signed with the attacker's key", async () => {
    await expectRefused(await rs256({ typ: "JWT" }, claims, attackerRsa.privateKey));
  });

  it("refuses a token signed HS256 with AUTH_SECRET itself instead of encrypted", async () => {
    await expectRefused(hs256({ alg: "HS256", typ: "JWT" }, claims, process.env.AUTH_SECRET as string));
  });

  it("refuses kid injection: a JWE under the attacker's key whose kid names the app's key", async () => {
    const genuine = await mintSession(claims);
    const { kid } = JSON.parse(Buffer.from(genuine.split(".")[0], "base64url").toString()) as { kid: string };
    for (const injected of [kid, "../../../../../../dev/null", "' OR '1'='1"]) {
      const forged = await new EncryptJWT(claims)
        .setProtectedHeader({ alg: "dir", enc: "A256CBC-HS512", kid: injected })
        .setExpirationTime("1h")
        .encrypt(randomBytes(64));
      await expectRefused(forged);
    }
  });

  it("refuses jku injection: a JWE under the attacker's key that names where to fetch it", async () => {
    const forged = await new EncryptJWT(claims)
      .setProtectedHeader({ alg: "dir", enc: "A256GCM", jku: ATTACKER_JKU })
      .setExpirationTime("1h")
      .encrypt(randomBytes(32));
    await expectRefused(forged);
    await expectRefused(await withJwkHeader({ jku: ATTACKER_JKU }, claims));
  });

  it("refuses a real session cookie whose header was given a kid or jku", async () => {
    const genuine = await signInFully(new Browser(freshIp()), user);
    const [header, ...rest] = genuine.split(".");
    const parsed = JSON.parse(Buffer.from(header, "base64url").toString()) as Record<string, string>;
    for (const change of [{ kid: "attacker" }, { jku: ATTACKER_JKU }, { enc: "A256GCM" }]) {
      await expectRefused([base64url({ ...parsed, ...change }), ...rest].join("."));
    }
  });

  it("refuses an access token used as the session cookie", async () => {
    await signInFully(new Browser(freshIp()), user);
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    const accessToken = (await currentAccessToken(row))?.token as string;
    expect(accessToken).toBeDefined();
    await expectRefused(accessToken);
  });

  it("refuses an expired session token", async () => {
    await expectRefused(await mintSession(claims, { maxAge: -60 }));
  });

  it("refuses a tampered session token: ciphertext, tag or iv changed", async () => {
    const genuine = (await mintSession(claims)).split(".");
    for (const part of [2, 3, 4]) {
      const changed = [...genuine];
      changed[part] = `${changed[part].slice(0, -2)}${changed[part].endsWith("AA") ? "BB" : "AA"}`;
      await expectRefused(changed.join("."));
    }
  });

  it('refuses a session cookie replayed after "Sign out"', async () => {
    const victim = new Browser(freshIp());
    const stolen = await signInFully(victim, user);
    expect((await victim.run(() => runAction(() => signOutAction()))).redirectedTo).toBe(
      "/login?signedOut=1",
    );
    expect(victim.cookies.has(SESSION_COOKIE)).toBe(false);
    const attacker = new Browser(freshIp());
    attacker.cookies.set(SESSION_COOKIE, stolen);
    expect(await attacker.run(() => getCurrentSession())).toBeNull();
    expect((await attacker.run(() => runAction(() => issueTokenAction()))).redirectedTo).toMatch(
      /^\/login\?/,
    );
  });

  it('refuses a session cookie replayed after "sign out everywhere", on every page and action', async () => {
    const victim = new Browser(freshIp());
    const stolen = await signInFully(victim, user);
    expect((await victim.run(() => runAction(() => signOutEverywhereAction()))).redirectedTo).toBe(
      "/login?signedOut=1",
    );
    const attacker = new Browser(freshIp());
    attacker.cookies.set(SESSION_COOKIE, stolen);
    expect(await attacker.run(() => getCurrentSession())).toBeNull();
    const page = await attacker.run(() => runAction(() => DashboardPage()));
    expect(page.redirectedTo).toBe("/login?callbackUrl=%2Fdashboard");
    const tokensBefore = await db.accessToken.count({ where: { userId: user.id } });
    expect((await attacker.run(() => runAction(() => issueTokenAction()))).redirectedTo).toMatch(
      /^\/login\?/,
    );
    expect(await db.accessToken.count({ where: { userId: user.id } })).toBe(tokensBefore);
  });
});

describe("attacks on the access token", () => {
  type Refusal = { valid: false; reason: string };

  // Every entry point that takes an access token: GET /api/me, POST
  // /api/token/validate and the /token_input form's action.
  async function verdicts(token: string) {
    const meResponse = await me(apiRequest("/api/me", { headers: { authorization: `Bearer ${token}` } }));
    const challenge = meResponse.headers.get("www-authenticate") ?? "";
    const meVerdict =
      meResponse.status === 200
        ? { valid: true }
        : { valid: false, reason: /error_description="([a-z_]+)"/.exec(challenge)?.[1] ?? challenge };
    const validateResponse = await validatePost(
      apiRequest("/api/token/validate", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ token }),
      }),
    );
    const { valid, reason } = (await validateResponse.json()) as { valid: boolean; reason?: string };
    const input = await new Browser(freshIp()).run(() => validateTokenAction({}, form({ token })));
    return {
      "/api/me": meVerdict,
      "/api/token/validate": reason ? { valid, reason } : { valid },
      "/token_input": input.verdict?.reason
        ? { valid: false, reason: input.verdict.reason }
        : { valid: true },
    };
  }

  const refusedEverywhere = (reason: string): Record<string, Refusal> => ({
    "/api/me": { valid: false, reason },
    "/api/token/validate": { valid: false, reason },
    "/token_input": { valid: false, reason },
  });

  async function issued(): Promise<{ token: string; claims: AccessTokenClaims }> {
    await signInFully(new Browser(freshIp()), user);
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    const current = await currentAccessToken(row);
    if (!current) throw new Error("sign-in issued no access token");
    return current;
  }

  it("control: the token from a real sign-in is valid at every entry point", async () => {
    const { token } = await issued();
    expect(await verdicts(token)).toEqual({
      "/api/me": { valid: true },
      "/api/token/validate": { valid: true },
      "/token_input": { valid: true },
    });
  });

  it.each(["none", "None", "NONE"])('refuses alg "%s" everywhere', async (alg) => {
    const { claims } = await issued();
    const unsigned = `${base64url({ alg, typ: "JWT" })}.${base64url(claims)}.`;
    expect(await verdicts(unsigned)).toEqual(refusedEverywhere("bad_signature"));
  });

  it("refuses HS/RS confusion: a token signed HS256 with a public key as the secret", async () => {
    const { claims } = await issued();
    const token = hs256({ alg: "HS256", typ: "JWT" }, claims, attackerPublicPem);
    expect(await verdicts(token)).toEqual(refusedEverywhere("bad_signature"));
  });

  it("refuses HS/RS confusion: an RS256 token signed with the attacker's key", async () => {
    const { claims } = await issued();
    const token = await rs256({ typ: "JWT" }, claims, attackerRsa.privateKey);
    expect(await verdicts(token)).toEqual(refusedEverywhere("bad_signature"));
  });

  it("refuses kid injection: a path, an empty key, a SQL fragment", async () => {
    const { claims } = await issued();
    for (const [kid, key] of [
      ["../../../../../../dev/null", ""],
      ["/dev/null", Buffer.alloc(0)],
      ["' UNION SELECT 'attacker-key' --", "attacker-key"],
    ] as const) {
      const token = hs256({ alg: "HS256", typ: "JWT", kid }, claims, key);
      expect(await verdicts(token)).toEqual(refusedEverywhere("bad_signature"));
    }
  });

  it("refuses jku and jwk injection: the attacker's key named or embedded in the header", async () => {
    const { claims } = await issued();
    const byUrl = await rs256(
      { typ: "JWT", jku: ATTACKER_JKU, kid: "attacker" },
      claims,
      attackerRsa.privateKey,
    );
    const embedded = await withJwkHeader({ typ: "JWT" }, claims);
    const hmacByUrl = hs256({ alg: "HS256", typ: "JWT", jku: ATTACKER_JKU }, claims, "attacker-key");
    for (const token of [byUrl, embedded, hmacByUrl]) {
      expect(await verdicts(token)).toEqual(refusedEverywhere("bad_signature"));
    }
  });

  it("refuses the session cookie (a JWE) used as a bearer token", async () => {
    const session = await signInFully(new Browser(freshIp()), user);
    expect(await verdicts(session)).toEqual(refusedEverywhere("wrong_type"));
  });

  it('refuses an access token replayed after "sign out everywhere"', async () => {
    const victim = new Browser(freshIp());
    await signInFully(victim, user);
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    const token = (await currentAccessToken(row))?.token as string;
    await victim.run(() => runAction(() => signOutEverywhereAction()));
    expect(await verdicts(token)).toEqual(refusedEverywhere("revoked"));
  });

  it("refuses an expired access token (the clock moved past exp)", async () => {
    const { token, claims } = await issued();
    jest.useFakeTimers({
      doNotFake: ["nextTick", "setImmediate", "setTimeout", "setInterval", "queueMicrotask"],
    });
    jest.setSystemTime((claims.exp + 1) * 1000);
    try {
      expect(await verdicts(token)).toEqual(refusedEverywhere("expired"));
    } finally {
      jest.useRealTimers();
    }
  });

  it("refuses a tampered access token: another user, a later exp, a stripped signature", async () => {
    const { token, claims } = await issued();
    const other = await createEnrolledUser();
    const [header, , signature] = token.split(".");
    for (const forged of [
      `${header}.${base64url({ ...claims, sub: other.id })}.${signature}`,
      `${header}.${base64url({ ...claims, exp: claims.exp + 365 * 86_400 })}.${signature}`,
      `${token.split(".").slice(0, 2).join(".")}.`,
    ]) {
      expect(await verdicts(forged)).toEqual(refusedEverywhere("bad_signature"));
    }
  });

  it("refuses a token signed with the right secret but another algorithm (HS512)", async () => {
    const { claims } = await issued();
    const token = jwt.sign({ ...claims }, process.env.JWT_SECRET as string, { algorithm: "HS512" });
    expect(await verdicts(token)).toEqual(refusedEverywhere("bad_signature"));
  });
});
