/** @jest-environment node */
import { encode } from "next-auth/jwt";
import {
  decodeSessionCookie,
  renewedSessionCookie,
  SESSION_RENEW_AFTER_SECONDS,
  sessionCookieName,
} from "@/lib/auth/session-cookie";
import { sessionFromToken } from "@/lib/auth/session-claims";

const secret = "session-cookie-test-secret-0123456789abcdef";
const claims = { sub: "user-1", sv: 3, mfa: true, sid: "session-1", at: 1_700_000_000 };
const cookie = (options: { salt?: string; secret?: string; maxAge?: number } = {}) =>
  encode({
    token: claims,
    secret: options.secret ?? secret,
    salt: options.salt ?? sessionCookieName(false),
    maxAge: options.maxAge,
  });

describe("decodeSessionCookie", () => {
  it("reads a cookie that next-auth issued", async () => {
    const token = await decodeSessionCookie(await cookie(), { secret, secure: false });
    expect(token).toMatchObject(claims);
    expect(sessionFromToken(token!)).toEqual({
      user: { id: "user-1" },
      sessionVersion: 3,
      twoFactorComplete: true,
      sessionId: "session-1",
      authenticatedAt: 1_700_000_000,
    });
  });

  it("refuses a tampered, expired or foreign cookie, and one issued under the other name", async () => {
    const value = await cookie();
    const tampered = `${value.slice(0, -4)}${value.slice(-4) === "AAAA" ? "BBBB" : "AAAA"}`;
    for (const candidate of [
      tampered,
      await cookie({ secret: "another-secret-0123456789abcdef0123456789" }),
      await cookie({ salt: sessionCookieName(true) }),
      await cookie({ maxAge: -60 }),
      "not a token",
      undefined,
    ]) {
      expect(await decodeSessionCookie(candidate, { secret, secure: false })).toBeNull();
    }
  });
});

describe("decodeSessionCookie's memory of recent cookies", () => {
  it("still refuses a remembered cookie once it has expired, or under another secret or name", async () => {
    const value = await cookie({ maxAge: 30 });
    expect(await decodeSessionCookie(value, { secret, secure: false })).toMatchObject(claims);
    expect(await decodeSessionCookie(value, { secret, secure: false, now: Date.now() + 60_000 })).toBeNull();
    const other = "another-secret-0123456789abcdef0123456789";
    expect(await decodeSessionCookie(value, { secret: other, secure: false })).toBeNull();
    expect(await decodeSessionCookie(value, { secret, secure: true })).toBeNull();
  });
});

describe("renewedSessionCookie", () => {
  it("leaves a recent cookie alone and renews an older one with the same claims", async () => {
    const token = (await decodeSessionCookie(await cookie(), { secret, secure: false }))!;
    expect(await renewedSessionCookie(token, { secret, secure: false })).toBeNull();

    const later = Date.now() + (SESSION_RENEW_AFTER_SECONDS + 1) * 1000;
    const renewed = await renewedSessionCookie(token, { secret, secure: false, now: later });
    const again = await decodeSessionCookie(renewed!, { secret, secure: false });
    expect(again).toMatchObject(claims);
    expect(again!.jti).not.toBe(token.jti);
  });
});
