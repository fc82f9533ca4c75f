/** @jest-environment node */
import { encode } from "next-auth/jwt";
import jwt from "jsonwebtoken";
import { createEnrolledUser } from "@/__tests__/kit/users";
import { revokeAllSessions } from "@/lib/server/accounts/accounts";
import {
  currentAccessToken,
  issueAccessToken,
  listLiveAccessTokens,
  replaceAccessToken,
  revokeAccessToken,
  validateAccessToken,
  type AccessTokenClaims,
} from "@/lib/server/tokens/access-tokens";
import { db } from "@/lib/server/platform/db";

const secret = () => process.env.JWT_SECRET as string;
const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

async function issued() {
  const user = await createEnrolledUser();
  const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
  return { user: row, ...(await issueAccessToken(row)) };
}

describe("access tokens", () => {
  it("round-trips: HS256 with sub, iat, exp (15 minutes), jti and the access type", async () => {
    const { user, token } = await issued();
    const { header, payload } = jwt.decode(token, { complete: true }) as unknown as {
      header: jwt.JwtHeader;
      payload: AccessTokenClaims;
    };
    expect(header).toEqual({ alg: "HS256", typ: "JWT" });
    expect(payload).toMatchObject({ sub: user.id, typ: "access", ver: 0 });
    expect(payload.exp - payload.iat).toBe(900);
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    const verdict = await validateAccessToken(token);
    expect(verdict.valid && verdict.user.id).toBe(user.id);
  });

  it("shows the current token again without storing it: the same claims sign to the same token", async () => {
    const { user, token } = await issued();
    expect((await currentAccessToken(user))?.token).toBe(token);
    expect(JSON.stringify(await db.accessToken.findMany({ where: { userId: user.id } }))).not.toContain(
      token.split(".")[2],
    );
  });

  it("says expired once exp has passed (a faked clock, no sleeping)", async () => {
    const { token, claims } = await issued();
    expect((await validateAccessToken(token, (claims.exp - 1) * 1000)).valid).toBe(true);
    expect(await validateAccessToken(token, (claims.exp + 1) * 1000)).toEqual({
      valid: false,
      reason: "expired",
    });
  });

  it("refuses alg none", async () => {
    const { claims } = await issued();
    const unsigned = `${base64url({ alg: "none", typ: "JWT" })}.${base64url(claims)}.`;
    expect(await validateAccessToken(unsigned)).toEqual({ valid: false, reason: "bad_signature" });
  });

  it("refuses HS512 even under the right secret", async () => {
    const { claims } = await issued();
    const token = jwt.sign({ ...claims }, secret(), { algorithm: "HS512", noTimestamp: true });
    expect(await validateAccessToken(token)).toEqual({ valid: false, reason: "bad_signature" });
  });

  it("refuses a token signed with another secret", async () => {
    const { claims } = await issued();
    const token = jwt.sign({ ...claims }, "another-secret-of-sufficient-length-000", { algorithm: "HS256" });
    expect(await validateAccessToken(token)).toEqual({ valid: false, reason: "bad_signature" });
  });

  it("refuses a tampered payload", async () => {
    const { token, claims } = await issued();
    const [header, , signature] = token.split(".");
    const tampered = `${header}.${base64url({ ...claims, exp: claims.exp + 3600 })}.${signature}`;
    expect(await validateAccessToken(tampered)).toEqual({ valid: false, reason: "bad_signature" });
  });

  it("refuses a token of another type: signed by the app but not an access token, or the session cookie", async () => {
    const { claims, user } = await issued();
    const other = jwt.sign({ ...claims, typ: "email-link" }, secret(), { algorithm: "HS256" });
    expect(await validateAccessToken(other)).toEqual({ valid: false, reason: "wrong_type" });
    const session = await encode({
      token: { sub: user.id, sv: 0, mfa: true },
      secret: process.env.AUTH_SECRET as string,
      salt: "authjs.session-token",
    });
    expect(await validateAccessToken(session)).toEqual({ valid: false, reason: "wrong_type" });
  });

  it("says malformed for garbage", async () => {
    for (const input of [
      "",
      "abc",
      "a.b.c",
      "x".repeat(5000),
      `${base64url({ alg: "HS256" })}.bm90IGpzb24.sig`,
    ]) {
      expect(await validateAccessToken(input)).toEqual({ valid: false, reason: "malformed" });
    }
  });

  it("says revoked after sign out everywhere", async () => {
    const { user, token } = await issued();
    await revokeAllSessions(user.id);
    expect(await validateAccessToken(token)).toEqual({ valid: false, reason: "revoked" });
    expect(await currentAccessToken(await db.user.findUniqueOrThrow({ where: { id: user.id } }))).toBeNull();
  });

  it("says unknown user when the account is gone", async () => {
    const { user, token } = await issued();
    await db.user.delete({ where: { id: user.id } });
    expect(await validateAccessToken(token)).toEqual({ valid: false, reason: "unknown_user" });
  });
});

describe("revoking access tokens one by one", () => {
  it("says revoked for a token revoked by its jti, and leaves the user's others valid", async () => {
    const { user, token, claims } = await issued();
    const other = await issueAccessToken(user);
    expect(await revokeAccessToken(user.id, claims.jti)).toBe(true);
    expect(await revokeAccessToken(user.id, claims.jti)).toBe(false);
    expect(await validateAccessToken(token)).toEqual({ valid: false, reason: "revoked" });
    expect((await validateAccessToken(other.token)).valid).toBe(true);
  });

  it("does not let a user revoke another user's token", async () => {
    const { claims, token } = await issued();
    const stranger = await createEnrolledUser();
    expect(await revokeAccessToken(stranger.id, claims.jti)).toBe(false);
    expect((await validateAccessToken(token)).valid).toBe(true);
  });

  it('"Issue a new token" revokes the one it replaces', async () => {
    const { user, token } = await issued();
    const replacement = await replaceAccessToken(user);
    expect(await validateAccessToken(token)).toEqual({ valid: false, reason: "revoked" });
    expect((await validateAccessToken(replacement.token)).valid).toBe(true);
    expect((await currentAccessToken(user))?.token).toBe(replacement.token);
  });

  it("lists live tokens only: neither expired, revoked, nor older than sign out everywhere", async () => {
    const { user, claims } = await issued();
    const kept = await issueAccessToken(user);
    const revoked = await issueAccessToken(user);
    await revokeAccessToken(user.id, revoked.claims.jti);
    await db.accessToken.update({
      where: { jti: claims.jti },
      data: { expiresAt: new Date(Date.now() - 1) },
    });
    expect((await listLiveAccessTokens(user)).map((row) => row.jti)).toEqual([kept.claims.jti]);
    await revokeAllSessions(user.id);
    const after = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(await listLiveAccessTokens(after)).toEqual([]);
  });

  it("says revoked for a well-signed token whose row is gone, unknown user when the account is", async () => {
    const { token, claims } = await issued();
    await db.accessToken.delete({ where: { jti: claims.jti } });
    expect(await validateAccessToken(token)).toEqual({ valid: false, reason: "revoked" });
  });
});

describe("lastUsedAt", () => {
  it("moves on use (not on a mere check), at most once a minute", async () => {
    const { token, claims } = await issued();
    const lastUsed = async () =>
      (await db.accessToken.findUniqueOrThrow({ where: { jti: claims.jti } })).lastUsedAt;
    await validateAccessToken(token);
    expect(await lastUsed()).toBeNull();
    await validateAccessToken(token, Date.now(), { use: true });
    const first = await lastUsed();
    expect(first).not.toBeNull();
    await validateAccessToken(token, Date.now() + 30_000, { use: true });
    expect(await lastUsed()).toEqual(first);
    await validateAccessToken(token, Date.now() + 61_000, { use: true });
    expect((await lastUsed())!.getTime()).toBeGreaterThan(first!.getTime() + 60_000);
  });
});
