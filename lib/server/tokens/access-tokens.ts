import "server-only";
import { randomUUID } from "node:crypto";
import type { AccessToken, User } from "@prisma/client";
import jwt from "jsonwebtoken";
import { db } from "../platform/db";
import { env } from "../platform/env";
import { afterResponse } from "../platform/after-response";
import { ACCESS_TOKEN_MAX_LENGTH, MESSAGES, SESSIONS_AND_TOKENS } from "../policy";

// README.md "Access tokens and the API": the access token is an HS256 JWT
// under JWT_SECRET with sub, iat, exp, jti, and a type claim that no other
// token of the app carries.
export const ACCESS_TOKEN_TYPE = "access";

export type AccessTokenClaims = {
  sub: string;
  typ: string;
  ver: number;
  iat: number;
  exp: number;
  jti: string;
};
export type TokenRejection =
  "expired" | "bad_signature" | "malformed" | "wrong_type" | "revoked" | "unknown_user";
export type TokenVerdict =
  { valid: true; claims: AccessTokenClaims; user: User } | { valid: false; reason: TokenRejection };

export const REJECTION_MESSAGES: Record<TokenRejection, string> = MESSAGES.tokenRejections;

type IssuedToken = { token: string; claims: AccessTokenClaims };

// Every claim is explicit (jsonwebtoken keeps a given iat), so signing the
// same row again yields the same token: /token shows it without storing it.
function sign(claims: AccessTokenClaims): string {
  return jwt.sign({ ...claims }, env.JWT_SECRET, { algorithm: "HS256" });
}

export async function issueAccessToken(user: Pick<User, "id" | "sessionVersion">): Promise<IssuedToken> {
  const iat = Math.floor(Date.now() / 1000);
  const claims: AccessTokenClaims = {
    sub: user.id,
    typ: ACCESS_TOKEN_TYPE,
    ver: user.sessionVersion,
    iat,
    exp: iat + env.ACCESS_TOKEN_TTL,
    jti: randomUUID(),
  };
  await db.accessToken.create({
    data: {
      jti: claims.jti,
      userId: user.id,
      sessionVersion: claims.ver,
      issuedAt: new Date(iat * 1000),
      expiresAt: new Date(claims.exp * 1000),
    },
  });
  return { token: sign(claims), claims };
}

// A token is live while unexpired, not revoked one by one, and issued at the
// user's current session version ("sign out everywhere" revokes by version).
const liveTokens = (user: Pick<User, "id" | "sessionVersion">, now = new Date()) => ({
  userId: user.id,
  sessionVersion: user.sessionVersion,
  revokedAt: null,
  expiresAt: { gt: now },
});

// The user's newest token that is still unexpired and unrevoked, or null.
export async function currentAccessToken(
  user: Pick<User, "id" | "sessionVersion">,
): Promise<IssuedToken | null> {
  const row = await db.accessToken.findFirst({ where: liveTokens(user), orderBy: { issuedAt: "desc" } });
  if (!row) return null;
  const claims: AccessTokenClaims = {
    sub: row.userId,
    typ: ACCESS_TOKEN_TYPE,
    ver: row.sessionVersion,
    iat: Math.floor(row.issuedAt.getTime() / 1000),
    exp: Math.floor(row.expiresAt.getTime() / 1000),
    jti: row.jti,
  };
  return { token: sign(claims), claims };
}

// "Issue a new token": the one /token shows (the newest live one) is revoked
// as the new one is issued.
export async function replaceAccessToken(user: Pick<User, "id" | "sessionVersion">): Promise<IssuedToken> {
  const current = await currentAccessToken(user);
  if (current) await revokeAccessToken(user.id, current.claims.jti);
  return issueAccessToken(user);
}

// True if the token was live and is now revoked; `userId` keeps a user to
// their own tokens.
export async function revokeAccessToken(userId: string, jti: string, now = new Date()): Promise<boolean> {
  const { count } = await db.accessToken.updateMany({
    where: { jti, userId, revokedAt: null, expiresAt: { gt: now } },
    data: { revokedAt: now },
  });
  return count === 1;
}

export type AccessTokenView = Pick<AccessToken, "jti" | "issuedAt" | "expiresAt" | "lastUsedAt">;

// The settings list: live tokens, the newest first.
export async function listLiveAccessTokens(
  user: Pick<User, "id" | "sessionVersion">,
  now = new Date(),
): Promise<AccessTokenView[]> {
  return db.accessToken.findMany({
    where: liveTokens(user, now),
    orderBy: { issuedAt: "desc" },
    select: { jti: true, issuedAt: true, expiresAt: true, lastUsedAt: true },
  });
}

// lastUsedAt is written at most once a minute, after the response, by a
// conditional update (parallel uses write it once).
async function touchAccessToken(row: Pick<AccessToken, "jti" | "lastUsedAt">, now: Date): Promise<void> {
  const stale = new Date(now.getTime() - SESSIONS_AND_TOKENS.lastUsedIntervalMs);
  if (row.lastUsedAt && row.lastUsedAt > stale) return;
  await afterResponse(() =>
    db.accessToken.updateMany({
      where: { jti: row.jti, OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: stale } }] },
      data: { lastUsedAt: now },
    }),
  );
}

function isAccessClaims(payload: unknown): payload is AccessTokenClaims {
  const claims = payload as Partial<AccessTokenClaims> | null;
  return (
    typeof claims?.sub === "string" &&
    typeof claims.jti === "string" &&
    Number.isInteger(claims.ver) &&
    Number.isInteger(claims.iat) &&
    Number.isInteger(claims.exp)
  );
}

function signatureVerdict(token: string, nowSeconds: number): TokenRejection | jwt.JwtPayload {
  try {
    const payload = jwt.verify(token, env.JWT_SECRET, { algorithms: ["HS256"], clockTimestamp: nowSeconds });
    return typeof payload === "string" ? "malformed" : payload;
  } catch (error) {
    if (error instanceof jwt.TokenExpiredError) return "expired";
    if (
      error instanceof jwt.JsonWebTokenError &&
      /malformed|invalid token|unexpected|json/i.test(error.message)
    ) {
      return "malformed";
    }
    // Wrong key, alg "none", any algorithm but HS256, a changed payload.
    return "bad_signature";
  }
}

// jws parses the payload as JSON when the header says typ "JWT", and throws
// (before any signature check) when it is not: that is a malformed token.
function decodeQuietly(token: string): jwt.Jwt | null {
  try {
    return jwt.decode(token, { complete: true });
  } catch {
    return null;
  }
}

// `use`: the token authenticates a request (GET /api/me), so its lastUsedAt
// moves; checking a token (/token_input, /api/token/validate) is no use.
export async function validateAccessToken(
  input: string,
  now = Date.now(),
  options: { use?: boolean } = {},
): Promise<TokenVerdict> {
  const token = input.trim();
  if (token.length === 0 || token.length > ACCESS_TOKEN_MAX_LENGTH)
    return { valid: false, reason: "malformed" };
  const segments = token.split(".");
  // A JWE (five segments, e.g. the session cookie) is a token of another kind.
  if (segments.length === 5) return { valid: false, reason: "wrong_type" };
  const decoded = segments.length === 3 ? decodeQuietly(token) : null;
  if (!decoded || typeof decoded.payload !== "object") return { valid: false, reason: "malformed" };

  const verdict = signatureVerdict(token, Math.floor(now / 1000));
  if (typeof verdict === "string") return { valid: false, reason: verdict };
  if (verdict.typ !== ACCESS_TOKEN_TYPE) return { valid: false, reason: "wrong_type" };
  if (!isAccessClaims(verdict)) return { valid: false, reason: "malformed" };

  // One read on the path of a good token: its row with its user.
  const row = await db.accessToken.findUnique({ where: { jti: verdict.jti }, include: { user: true } });
  if (!row || row.userId !== verdict.sub) {
    // Rows go with their account, and are pruned only after they expire.
    const owner = await db.user.findUnique({ where: { id: verdict.sub }, select: { id: true } });
    return { valid: false, reason: owner ? "revoked" : "unknown_user" };
  }
  const { user } = row;
  if (row.revokedAt || verdict.ver !== user.sessionVersion || row.sessionVersion !== user.sessionVersion)
    return { valid: false, reason: "revoked" };
  if (options.use) await touchAccessToken(row, new Date(now));
  return { valid: true, claims: verdict, user };
}
