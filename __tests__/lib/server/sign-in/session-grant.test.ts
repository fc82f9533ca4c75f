/** @jest-environment node */
import type { JWT } from "next-auth/jwt";
import { applySessionUpdate, grantNextSessionVersion } from "@/lib/server/sign-in/session-grant";

const token: JWT = { sub: "u1", sid: "session-1", sv: 3, mfa: true, at: 1_800_000_000 };
const now = 1_800_000_100_000;
const grantOf = (update: object) => (update as { versionGrant: Record<string, unknown> }).versionGrant;

describe("session version grants", () => {
  it("move the session they were made for to the next version, and change nothing else", () => {
    const update = grantNextSessionVersion("session-1", 3, now);
    expect(applySessionUpdate(token, update, now)).toEqual({ ...token, sv: 4 });
  });

  it("do nothing for another session, from another version, or after a minute", () => {
    expect(applySessionUpdate(token, grantNextSessionVersion("session-2", 3, now), now)).toBe(token);
    expect(applySessionUpdate(token, grantNextSessionVersion("session-1", 2, now), now)).toBe(token);
    expect(applySessionUpdate(token, grantNextSessionVersion("session-1", 3, now), now + 61_000)).toBe(token);
  });

  it("do nothing once any part is changed", () => {
    const grant = grantOf(grantNextSessionVersion("session-1", 2, now));
    const forged: Record<string, unknown>[] = [
      { ...grant, from: 3 },
      { ...grant, sessionId: "session-1 " },
      { ...grant, exp: Number(grant.exp) + 3600 },
      { ...grant, mac: String(grant.mac).replace(/^./, (c) => (c === "0" ? "1" : "0")) },
      { ...grant, mac: "0".repeat(64) },
    ];
    for (const versionGrant of forged) {
      expect(applySessionUpdate({ ...token, sv: Number(versionGrant.from) }, { versionGrant }, now)).toEqual({
        ...token,
        sv: Number(versionGrant.from),
      });
    }
  });

  it("ignore what a browser can send: claims, junk and nothing", () => {
    const updates: unknown[] = [
      undefined,
      null,
      "session-1",
      42,
      [],
      { sv: 4, mfa: true, sessionVersion: 4, twoFactorComplete: true, sub: "u2", sid: "x", at: 0 },
      { versionGrant: "session-1.3.4" },
      { versionGrant: { sessionId: "session-1", from: 3, exp: 4_000_000_000, mac: "🦊".repeat(32) } },
      { versionGrant: { sessionId: "session-1", from: -1, exp: 4_000_000_000, mac: "a".repeat(64) } },
    ];
    for (const update of updates) expect(applySessionUpdate(token, update, now)).toBe(token);
  });
});
