/** @jest-environment node */
import { GET as validateGet, POST as validate } from "@/app/api/token/validate/route";
import { createEnrolledUser } from "@/__tests__/kit/users";
import { issueAccessToken, revokeAccessToken } from "@/lib/server/tokens/access-tokens";
import { db } from "@/lib/server/platform/db";
import { freshIp } from "@/__tests__/kit/names";

function request(path: string, init: RequestInit & { ip?: string } = {}): Request {
  const headers = new Headers(init.headers);
  headers.set("x-forwarded-for", init.ip ?? freshIp());
  return new Request(`http://localhost:3000${path}`, { ...init, headers });
}

const postJson = (body: string, ip?: string) =>
  validate(
    request("/api/token/validate", {
      method: "POST",
      body,
      ip,
      headers: { "content-type": "application/json" },
    }),
  );

async function userWithToken() {
  const user = await createEnrolledUser();
  const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
  return { user: row, ...(await issueAccessToken(row)) };
}

describe("POST /api/token/validate", () => {
  it("answers 200 with valid and the claims for a good token", async () => {
    const { user, token, claims } = await userWithToken();
    const response = await postJson(JSON.stringify({ token }));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ valid: true, claims: { ...claims, username: user.username } });
  });

  it("answers 200 with valid false and the reason for a bad token", async () => {
    const { token } = await userWithToken();
    const changed = `${token.slice(0, -2)}${token.endsWith("AA") ? "BB" : "AA"}`;
    const response = await postJson(JSON.stringify({ token: changed }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ valid: false, reason: "bad_signature" });
  });

  it.each([
    ["not JSON", "token=abc"],
    ["JSON without a token", JSON.stringify({ jwt: "abc" })],
    ["a token that is not a string", JSON.stringify({ token: 42 })],
    ["an array", "[]"],
    ["nothing", ""],
  ])("answers 400 with a JSON error for %s", async (_name, body) => {
    const response = await postJson(body);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "invalid_request" });
  });

  it("refuses a 1 MB body with 413, without reading it as a token", async () => {
    const response = await postJson(JSON.stringify({ token: "a".repeat(1024 * 1024) }));
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: "payload_too_large" });
  });

  it("answers 405 in JSON for GET", async () => {
    const response = await validateGet();
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
    expect(await response.json()).toMatchObject({ error: "method_not_allowed" });
  });

  it("limits each IP to 60 requests a minute, with Retry-After", async () => {
    const ip = "203.0.113.250";
    await db.rateLimit.deleteMany({ where: { key: { contains: ip } } });
    for (let i = 0; i < 60; i++)
      expect((await postJson(JSON.stringify({ token: "x" }), ip)).status).toBe(200);
    const limited = await postJson(JSON.stringify({ token: "x" }), ip);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ error: "rate_limited" });
  });
});

describe("POST /api/token/validate and a token revoked one by one", () => {
  it("answers valid false with reason revoked, and leaves lastUsedAt alone", async () => {
    const { user, token, claims } = await userWithToken();
    await revokeAccessToken(user.id, claims.jti);
    const response = await postJson(JSON.stringify({ token }));
    expect(await response.json()).toMatchObject({ valid: false, reason: "revoked" });
    expect((await db.accessToken.findUniqueOrThrow({ where: { jti: claims.jti } })).lastUsedAt).toBeNull();
  });
});
