/** @jest-environment node */
import { GET as me, POST as mePost } from "@/app/api/me/route";
import { createEnrolledUser } from "@/__tests__/kit/users";
import { revokeAllSessions } from "@/lib/server/accounts/accounts";
import { issueAccessToken, revokeAccessToken } from "@/lib/server/tokens/access-tokens";
import { db } from "@/lib/server/platform/db";
import { freshIp } from "@/__tests__/kit/names";

function request(path: string, init: RequestInit & { ip?: string } = {}): Request {
  const headers = new Headers(init.headers);
  headers.set("x-forwarded-for", init.ip ?? freshIp());
  return new Request(`http://localhost:3000${path}`, { ...init, headers });
}

async function userWithToken() {
  const user = await createEnrolledUser();
  const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
  return { user: row, ...(await issueAccessToken(row)) };
}

describe("GET /api/me", () => {
  it("answers the token's user as JSON", async () => {
    const { user, token } = await userWithToken();
    const response = await me(request("/api/me", { headers: { authorization: `Bearer ${token}` } }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: user.id, username: user.username, email: user.email });
  });

  it("answers 401 with WWW-Authenticate: Bearer when there is no token, even with a session cookie", async () => {
    const response = await me(request("/api/me", { headers: { cookie: "authjs.session-token=anything" } }));
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Bearer realm="api"');
    expect(await response.json()).toMatchObject({ error: "invalid_request" });
  });

  it.each(["expired", "revoked", "malformed"])("answers 401 invalid_token for a %s token", async (kind) => {
    const { user, token, claims } = await userWithToken();
    let sent = token;
    if (kind === "revoked") await revokeAllSessions(user.id);
    if (kind === "malformed") sent = "not-a-token";
    if (kind === "expired") {
      jest.useFakeTimers({
        doNotFake: ["nextTick", "setImmediate", "setTimeout", "setInterval", "queueMicrotask"],
      });
      jest.setSystemTime((claims.exp + 5) * 1000);
    }
    try {
      const response = await me(request("/api/me", { headers: { authorization: `Bearer ${sent}` } }));
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe(
        `Bearer realm="api", error="invalid_token", error_description="${kind}"`,
      );
      expect(await response.json()).toMatchObject({ error: "invalid_token" });
    } finally {
      jest.useRealTimers();
    }
  });

  it("answers 405 in JSON for POST", async () => {
    const response = await mePost();
    expect(response.status).toBe(405);
  });
});

describe("GET /api/me and a token's own revocation and use", () => {
  const get = (token: string) => me(request("/api/me", { headers: { authorization: `Bearer ${token}` } }));

  it("answers 401 revoked for a token revoked one by one, while the user's other token works", async () => {
    const { user, token, claims } = await userWithToken();
    const other = await issueAccessToken(user);
    await revokeAccessToken(user.id, claims.jti);
    const response = await get(token);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain('error_description="revoked"');
    expect((await get(other.token)).status).toBe(200);
  });

  it("records when the token was last used", async () => {
    const { token, claims } = await userWithToken();
    expect((await get(token)).status).toBe(200);
    const row = await db.accessToken.findUniqueOrThrow({ where: { jti: claims.jti } });
    expect(Math.abs(row.lastUsedAt!.getTime() - Date.now())).toBeLessThan(5_000);
  });
});
