import { authConfig } from "@/lib/auth/config";
import {
  isCompleteSession,
  SESSION_MAX_AGE_SECONDS,
  sessionFromToken,
  signInClaims,
} from "@/lib/auth/session-claims";

const signedInAt = 1_800_000_000;
const session = {
  user: { id: "u1" },
  twoFactorComplete: true,
  sessionId: "s1",
  authenticatedAt: signedInAt,
};

describe("isCompleteSession", () => {
  it("accepts a session that passed both factors within its lifetime", () => {
    expect(isCompleteSession(session, (signedInAt + 60) * 1000)).toBe(true);
  });

  it("refuses a session past its absolute lifetime, however recently its cookie was renewed", () => {
    expect(isCompleteSession(session, (signedInAt + SESSION_MAX_AGE_SECONDS + 1) * 1000)).toBe(false);
  });

  it("refuses a session without the second factor, a session id or a sign-in time", () => {
    const now = (signedInAt + 60) * 1000;
    expect(isCompleteSession({ ...session, twoFactorComplete: false }, now)).toBe(false);
    expect(isCompleteSession({ ...session, sessionId: "" }, now)).toBe(false);
    expect(isCompleteSession({ ...session, authenticatedAt: undefined }, now)).toBe(false);
    expect(isCompleteSession(null, now)).toBe(false);
  });

  it("refuses a sign-in time from the future beyond a minute of clock difference", () => {
    expect(isCompleteSession(session, (signedInAt - 30) * 1000)).toBe(true);
    expect(isCompleteSession(session, (signedInAt - 600) * 1000)).toBe(false);
  });
});

describe("signInClaims", () => {
  it("names the recorded session, two-factor-complete, of the user at their session version", () => {
    const claims = signInClaims({ id: "u1", sessionVersion: 4, sessionId: "s-1" }, signedInAt * 1000 + 999);
    expect(claims).toEqual({ sub: "u1", sv: 4, mfa: true, sid: "s-1", at: signedInAt });
    expect(signInClaims({ id: "u1" }).sv).toBe(0);
  });

  it("names no session without a recorded one, so that the claims are never complete", () => {
    const claims = sessionFromToken(signInClaims({ id: "u1", sessionVersion: 1 }, signedInAt * 1000));
    expect(claims?.sessionId).toBe("");
    expect(isCompleteSession(claims, signedInAt * 1000)).toBe(false);
  });
});

describe("sessionFromToken", () => {
  it("reads back what signInClaims wrote, as a complete session", () => {
    const claims = sessionFromToken(
      signInClaims({ id: "u1", sessionVersion: 2, sessionId: "s-2" }, signedInAt * 1000),
    );
    expect(claims).toEqual({
      user: { id: "u1" },
      sessionVersion: 2,
      twoFactorComplete: true,
      sessionId: "s-2",
      authenticatedAt: signedInAt,
    });
    expect(isCompleteSession(claims, (signedInAt + 60) * 1000)).toBe(true);
  });

  it("reads a token without a user as no session, and missing claims as an incomplete one", () => {
    expect(sessionFromToken({ sv: 1, mfa: true, sid: "s1", at: signedInAt })).toBeNull();
    const bare = sessionFromToken({ sub: "u1" });
    expect(bare).toEqual({
      user: { id: "u1" },
      sessionVersion: -1,
      twoFactorComplete: false,
      sessionId: "",
      authenticatedAt: 0,
    });
    expect(isCompleteSession(bare, (signedInAt + 60) * 1000)).toBe(false);
    expect(isCompleteSession(sessionFromToken({ sub: "u1", mfa: true, sid: "s1" }), signedInAt * 1000)).toBe(
      false,
    );
  });
});

describe("next-auth's session callback", () => {
  it("gives next-auth's Session the same claims sessionFromToken reads", async () => {
    const token = { sub: "u1", sv: 3, mfa: true, sid: "s1", at: signedInAt, name: "alice" };
    const callback = authConfig.callbacks.session as unknown as (params: object) => Promise<object>;
    const session = await callback({
      session: { user: { name: "alice", email: "a@example.test" }, expires: "2027-01-01T00:00:00.000Z" },
      token,
    });
    const { user, ...claims } = sessionFromToken(token)!;
    expect(session).toEqual({
      user: { name: "alice", email: "a@example.test", id: user.id },
      expires: "2027-01-01T00:00:00.000Z",
      ...claims,
    });
  });
});
