/** @jest-environment node */
import { encode } from "next-auth/jwt";
import jwt from "jsonwebtoken";
import { createEnrolledUser } from "@/__tests__/kit/users";
import { revokeAllSessions } from "@/lib/server/accounts/accounts";
import {
  currentAccessToken,
  issueAccessToken,
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
