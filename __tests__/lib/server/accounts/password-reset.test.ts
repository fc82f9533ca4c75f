/** @jest-environment node */
import { createAccount, freshAddress, freshContext, later, minutes } from "@/__tests__/kit/account-codes";
import { freshIp } from "@/__tests__/kit/names";
import { startEmailChange, confirmEmailChange } from "@/lib/server/accounts/email-change";
import { hashPassword, verifyPassword } from "@/lib/server/accounts/password";
import {
  completeReset,
  findReset,
  issueResetLink,
  markResetFactorVerified,
} from "@/lib/server/accounts/password-reset";
import { db } from "@/lib/server/platform/db";
import { issueAccessToken, validateAccessToken } from "@/lib/server/tokens/access-tokens";

async function linkFor(userId: string, now = new Date()): Promise<string> {
  const issued = await issueResetLink(userId, freshIp(), now);
  if (!issued.ok) throw new Error(`expected a link, got ${issued.reason}`);
  return issued.token;
}

async function factorProven(token: string, now = new Date()): Promise<string> {
  const marked = await markResetFactorVerified(token, now);
  if (!marked.ok) throw new Error(`expected the factor marked, got ${marked.reason}`);
  return marked.browserSecret;
}

let newHash: string;
beforeAll(async () => {
  newHash = await hashPassword("a brand new passphrase");
});

describe("password reset links", () => {
  it("carry 256 random bits, and the database holds only their keyed hash", async () => {
    const user = await createAccount();
    const issued = await issueResetLink(user.id, freshIp());
    if (!issued.ok) throw new Error("expected a link");
    expect(Buffer.from(issued.token, "base64url")).toHaveLength(32);
    expect(new URL(issued.link).searchParams.get("token")).toBe(issued.token);
    expect(new URL(issued.link).pathname).toBe("/reset-password");
    expect(issued.email).toBe(user.email);
    const rows = await db.accountCode.findMany({ where: { userId: user.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0].secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(issued.token);
    expect(JSON.stringify(rows)).not.toContain(Buffer.from(issued.token, "base64url").toString("hex"));
  });

  it("are sent only to a verified account; any other request answers alike and costs the IP a send", async () => {
    const unverified = await createAccount({ verified: false });
    const ip = freshIp();
    const now = new Date();
    expect(await issueResetLink(unverified.id, ip, now)).toEqual({ ok: false, reason: "not_eligible" });
    expect(await issueResetLink(null, ip, now)).toEqual({ ok: false, reason: "not_eligible" });
    expect(await issueResetLink("no-such-account", ip, now)).toEqual({ ok: false, reason: "not_eligible" });
    expect(await db.accountCode.count({ where: { userId: unverified.id } })).toBe(0);
    for (let i = 0; i < 7; i++) await issueResetLink(null, ip, now);
    expect(await issueResetLink(null, ip, now)).toMatchObject({ ok: false, reason: "limited", scope: "ip" });
  });

  it("are sent at most 3 times per 15 minutes per account", async () => {
    const user = await createAccount();
    const now = new Date();
    for (let i = 0; i < 3; i++) await linkFor(user.id, now);
    expect(await issueResetLink(user.id, freshIp(), now)).toMatchObject({
      ok: false,
      reason: "limited",
      scope: "account",
    });
  });

  it("live 30 minutes", async () => {
    const user = await createAccount();
    const sent = new Date();
    const token = await linkFor(user.id, sent);
    expect(await findReset(token, later(sent, minutes(30) - 1000))).toMatchObject({
      ok: true,
      reset: { userId: user.id, username: user.username, twoFactorMethod: "totp", factorVerified: false },
    });
    const expired = later(sent, minutes(30) + 1);
    expect(await findReset(token, expired)).toEqual({ ok: false, reason: "expired" });
    expect(await markResetFactorVerified(token, expired)).toEqual({ ok: false, reason: "expired" });
  });

  it("are voided by a newer link", async () => {
    const user = await createAccount();
    const first = await linkFor(user.id);
    const second = await linkFor(user.id);
    expect(await findReset(first)).toEqual({ ok: false, reason: "invalid" });
    expect((await findReset(second)).ok).toBe(true);
  });

  it("refuse tokens that are not theirs without touching the database's rows", async () => {
    for (const token of ["", "x", "A".repeat(43), "A".repeat(10_000), "../../etc"]) {
      expect(await findReset(token)).toEqual({ ok: false, reason: "invalid" });
      expect(await markResetFactorVerified(token)).toEqual({ ok: false, reason: "invalid" });
      expect(await completeReset(token, "x", newHash, freshContext())).toEqual({
        ok: false,
        reason: "invalid",
      });
    }
  });
});

describe("completing a reset", () => {
  it("is refused until the second factor was proven for this link", async () => {
    const user = await createAccount();
    const token = await linkFor(user.id);
    expect(await completeReset(token, "", newHash, freshContext())).toEqual({
      ok: false,
      reason: "factor_required",
    });
    const before = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(before.passwordHash).toBe(user.passwordHash);
    expect((await findReset(token)).ok).toBe(true);
  });

  it("needs the browser that proved the factor: another's secret is refused", async () => {
    const user = await createAccount();
    const token = await linkFor(user.id);
    const other = await linkFor((await createAccount()).id);
    const otherSecret = await factorProven(other);
    await factorProven(token);
    expect(await completeReset(token, otherSecret, newHash, freshContext())).toEqual({
      ok: false,
      reason: "factor_required",
    });
  });

  it("lets the factor be proven once per link", async () => {
    const user = await createAccount();
    const token = await linkFor(user.id);
    await factorProven(token);
    expect(await markResetFactorVerified(token)).toEqual({ ok: false, reason: "already_verified" });
    expect(await findReset(token)).toMatchObject({ ok: true, reset: { factorVerified: true } });
  });

  it("sets the password, ends every session, access token and pending sign-in, records it, and never signs in", async () => {
    const user = await createAccount();
    const { token: accessToken } = await issueAccessToken(user);
    const challenges = await Promise.all(
      (["signin", "reauth", "enrol"] as const).map((purpose, i) =>
        db.signInChallenge.create({
          data: {
            userId: user.id,
            purpose,
            tokenHash: `reset-${user.id}-${i}`,
            expiresAt: later(new Date(), minutes(5)),
          },
        }),
      ),
    );
    const token = await linkFor(user.id);
    const browserSecret = await factorProven(token);
    const accessTokensBefore = await db.accessToken.count({ where: { userId: user.id } });

    const result = await completeReset(token, browserSecret, newHash, freshContext());
    expect(result).toEqual({ ok: true, userId: user.id, username: user.username, email: user.email });

    const after = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(await verifyPassword(after.passwordHash, "a brand new passphrase")).toBe(true);
    expect(after.sessionVersion).toBe(user.sessionVersion + 1);
    expect(await validateAccessToken(accessToken)).toMatchObject({ valid: false, reason: "revoked" });
    const ended = await db.signInChallenge.findMany({ where: { id: { in: challenges.map((c) => c.id) } } });
    expect(ended.every((challenge) => challenge.consumedAt !== null)).toBe(true);
    expect(await db.securityEvent.count({ where: { userId: user.id, type: "password_reset" } })).toBe(1);
    // No session, token or challenge was made for the account.
    expect(await db.accessToken.count({ where: { userId: user.id } })).toBe(accessTokensBefore);
    expect(await db.signInChallenge.count({ where: { userId: user.id } })).toBe(3);
  });

  it("uses the link up: a second completion, even with the same browser, is refused", async () => {
    const user = await createAccount();
    const token = await linkFor(user.id);
    const browserSecret = await factorProven(token);
    expect((await completeReset(token, browserSecret, newHash, freshContext())).ok).toBe(true);
    const otherHash = await hashPassword("another passphrase here");
    expect(await completeReset(token, browserSecret, otherHash, freshContext())).toEqual({
      ok: false,
      reason: "invalid",
    });
    expect(await findReset(token)).toEqual({ ok: false, reason: "invalid" });
    const after = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after.sessionVersion).toBe(user.sessionVersion + 1);
  });

  it("succeeds once of 5 parallel completions", async () => {
    const user = await createAccount();
    const token = await linkFor(user.id);
    const browserSecret = await factorProven(token);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => completeReset(token, browserSecret, newHash, freshContext())),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    const after = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after.sessionVersion).toBe(user.sessionVersion + 1);
    expect(await db.securityEvent.count({ where: { userId: user.id, type: "password_reset" } })).toBe(1);
  });

  it("is refused once the link expired, even with the factor proven", async () => {
    const user = await createAccount();
    const sent = new Date();
    const token = await linkFor(user.id, sent);
    const browserSecret = await factorProven(token, sent);
    expect(
      await completeReset(token, browserSecret, newHash, freshContext(), later(sent, minutes(30) + 1)),
    ).toEqual({ ok: false, reason: "expired" });
  });

  it("voids a pending email change", async () => {
    const user = await createAccount();
    const change = await startEmailChange(user.id, freshAddress(), freshIp());
    if (!change.ok) throw new Error("expected a code");
    const token = await linkFor(user.id);
    expect((await completeReset(token, await factorProven(token), newHash, freshContext())).ok).toBe(true);
    expect((await confirmEmailChange(user.id, change.code, freshContext())).ok).toBe(false);
  });
});
