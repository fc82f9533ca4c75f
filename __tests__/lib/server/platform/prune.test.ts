/** @jest-environment node */
import { randomUUID } from "node:crypto";
import { createAccount } from "@/__tests__/kit/account-codes";
import { uniqueName } from "@/__tests__/kit/names";
import { db } from "@/lib/server/platform/db";
import { FALLBACK_KEEP_MS, pruneAll, pruneExpired, rateLimitRules } from "@/lib/server/platform/prune";
import { claimDelayedTry, claimWindowTry } from "@/lib/server/platform/rate-limit";
import {
  ACCOUNT_CODE_LIMITS,
  FAILURE_DELAYS,
  keys,
  LIMITS,
  PASSKEY_SETUP_LIMITS,
  PRUNE,
  REGISTRATION_ATTEMPT_NOTICES,
  subjects,
} from "@/lib/server/policy";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const at = (now: Date, ms: number): Date => new Date(now.getTime() + ms);
const big = { limit: 10_000 };

async function challengeExpiring(expiresAt: Date): Promise<string> {
  const user = await createAccount();
  const row = await db.signInChallenge.create({
    data: { tokenHash: `t-${randomUUID()}`, userId: user.id, purpose: "signin", expiresAt },
  });
  return row.id;
}

async function rateLimitRow(key: string, windowStart: Date, updatedAt = windowStart, nextAllowedAt?: Date) {
  await db.rateLimit.create({ data: { key, count: 3, windowStart, updatedAt, nextAllowedAt } });
}

const exists = async (key: string): Promise<boolean> =>
  (await db.rateLimit.findUnique({ where: { key } })) !== null;

describe("pruneExpired", () => {
  it("deletes expired sign-in and passkey challenges and emailed codes, and keeps unexpired ones", async () => {
    const now = new Date();
    const expired = await challengeExpiring(at(now, -1000));
    const live = await challengeExpiring(at(now, 1000));
    const user = await createAccount();
    const [oldPasskey, newPasskey] = await Promise.all(
      [-1000, 1000].map((offset) =>
        db.passkeyChallenge.create({
          data: { challengeHash: randomUUID(), purpose: "signin", expiresAt: at(now, offset) },
        }),
      ),
    );
    const [oldCode, newCode] = await Promise.all(
      [-1000, 1000].map((offset) =>
        db.emailCode.create({
          data: { userId: user.id, codeHash: randomUUID(), expiresAt: at(now, offset) },
        }),
      ),
    );
    await pruneExpired(db, now, big);
    expect(await db.signInChallenge.findUnique({ where: { id: expired } })).toBeNull();
    expect(await db.signInChallenge.findUnique({ where: { id: live } })).not.toBeNull();
    expect(await db.passkeyChallenge.findUnique({ where: { id: oldPasskey.id } })).toBeNull();
    expect(await db.passkeyChallenge.findUnique({ where: { id: newPasskey.id } })).not.toBeNull();
    expect(await db.emailCode.findUnique({ where: { id: oldCode.id } })).toBeNull();
    expect(await db.emailCode.findUnique({ where: { id: newCode.id } })).not.toBeNull();
  });

  it("keeps account codes and reset links a day past their expiry (the page still says expired), then deletes them", async () => {
    const now = new Date();
    const user = await createAccount();
    const [gone, kept, live] = await Promise.all(
      [-PRUNE.expiredCodeGraceMs - 1000, -1000, 1000].map((offset, index) =>
        db.accountCode.create({
          data: {
            userId: user.id,
            purpose: index === 0 ? "reset_password" : "verify_email",
            secretHash: randomUUID(),
            email: user.email,
            expiresAt: at(now, offset),
          },
        }),
      ),
    );
    await pruneExpired(db, now, big);
    expect(await db.accountCode.findUnique({ where: { id: gone.id } })).toBeNull();
    expect(await db.accountCode.findUnique({ where: { id: kept.id } })).not.toBeNull();
    expect(await db.accountCode.findUnique({ where: { id: live.id } })).not.toBeNull();
  });

  it("deletes sessions and access tokens past their expiry only", async () => {
    const now = new Date();
    const user = await createAccount();
    const [oldSession, newSession] = [randomUUID(), randomUUID()];
    await db.userSession.createMany({
      data: [
        { id: oldSession, userId: user.id, userAgent: "", ip: "", expiresAt: at(now, -1000) },
        { id: newSession, userId: user.id, userAgent: "", ip: "", expiresAt: at(now, 1000) },
      ],
    });
    const [oldToken, newToken] = [randomUUID(), randomUUID()];
    await db.accessToken.createMany({
      data: [
        {
          jti: oldToken,
          userId: user.id,
          sessionVersion: 0,
          issuedAt: at(now, -DAY),
          expiresAt: at(now, -1000),
        },
        { jti: newToken, userId: user.id, sessionVersion: 0, issuedAt: now, expiresAt: at(now, 1000) },
      ],
    });
    await pruneExpired(db, now, big);
    expect(await db.userSession.findUnique({ where: { id: oldSession } })).toBeNull();
    expect(await db.userSession.findUnique({ where: { id: newSession } })).not.toBeNull();
    expect(await db.accessToken.findUnique({ where: { jti: oldToken } })).toBeNull();
    expect(await db.accessToken.findUnique({ where: { jti: newToken } })).not.toBeNull();
  });

  it("deletes security events older than SECURITY_EVENT_RETENTION_DAYS (90 by default) and keeps younger ones", async () => {
    const now = new Date();
    const user = await createAccount();
    const [old, young] = await Promise.all(
      [-90 * DAY - 1000, -89 * DAY].map((offset) =>
        db.securityEvent.create({ data: { userId: user.id, type: "sign_in", createdAt: at(now, offset) } }),
      ),
    );
    await pruneExpired(db, now, big);
    expect(await db.securityEvent.findUnique({ where: { id: old.id } })).toBeNull();
    expect(await db.securityEvent.findUnique({ where: { id: young.id } })).not.toBeNull();
  });

  it("deletes registrations never finished past the 24-hour hold, with their rows, and keeps every other account", async () => {
    const now = new Date();
    const stale = await createAccount({
      verified: false,
      twoFactorMethod: null,
      createdAt: at(now, -DAY - 1000),
    });
    await db.securityEvent.create({ data: { userId: stale.id, type: "registered" } });
    const fresh = await createAccount({
      verified: false,
      twoFactorMethod: null,
      createdAt: at(now, -DAY + MINUTE),
    });
    const verified = await createAccount({
      verified: true,
      twoFactorMethod: null,
      createdAt: at(now, -2 * DAY),
    });
    const legacy = await createAccount({
      verified: false,
      twoFactorMethod: "totp",
      createdAt: at(now, -2 * DAY),
    });
    await pruneExpired(db, now, big);
    expect(await db.user.findUnique({ where: { id: stale.id } })).toBeNull();
    expect(await db.securityEvent.count({ where: { userId: stale.id } })).toBe(0);
    for (const kept of [fresh, verified, legacy]) {
      expect(await db.user.findUnique({ where: { id: kept.id } })).not.toBeNull();
    }
  });

  it("deletes at most `limit` rows of a table per call, and pruneAll deletes them all in batches", async () => {
    const now = new Date();
    const ids = await Promise.all(Array.from({ length: 7 }, () => challengeExpiring(at(now, -1000))));
    const first = await pruneExpired(db, now, { limit: 3 });
    expect(first.signInChallenges).toBe(3);
    expect(await db.signInChallenge.count({ where: { id: { in: ids } } })).toBe(4);
    const rest = await pruneAll(db, now, 3);
    expect(rest.signInChallenges).toBeGreaterThanOrEqual(4);
    expect(await db.signInChallenge.count({ where: { id: { in: ids } } })).toBe(0);
  });
});

describe("pruneExpired on rate-limit rows", () => {
  const ip = () => `198.51.100.${Math.floor(Math.random() * 250)}-${uniqueName()}`;
  const windows: [string, (id: string) => string, number][] = [
    ["failed passwords per IP", (id) => keys.passwordPerIp(id), LIMITS.passwordPerIp.windowMs],
    ["password steps per IP", (id) => keys.passwordStepsPerIp(id), LIMITS.passwordStepsPerIp.windowMs],
    [
      "password steps per name",
      (id) => keys.passwordSteps(subjects.name(id)),
      LIMITS.passwordStepsPerName.windowMs,
    ],
    ["codes per account", (id) => keys.codes(subjects.account(id)), LIMITS.codesPerAccount.windowMs],
    ["registrations per IP", (id) => keys.registrations(id), LIMITS.registrationsPerIp.windowMs],
    ["emailed-code sends", (id) => keys.emailCodeSends(id), LIMITS.emailCodeSendsPerAccount.windowMs],
    ["API calls per IP", (id) => keys.api("me", id), LIMITS.apiPerIp.windowMs],
    ["partial sign-in notices", (id) => keys.partialSignIn(id), LIMITS.partialSignInNotice.windowMs],
    [
      "account-code sends per IP",
      (id) => `account-code-send:ip:${id}`,
      ACCOUNT_CODE_LIMITS.sendsPerIp.windowMs,
    ],
    [
      "registration attempt notices",
      (id) => `registration-attempt:account:${id}`,
      REGISTRATION_ATTEMPT_NOTICES.windowMs,
    ],
    [
      "passkey setup prompts",
      (id) => `passkey-setup-begin:account:${id}`,
      PASSKEY_SETUP_LIMITS.beginsPerAccount.windowMs,
    ],
  ];

  it.each(windows)(
    "deletes a %s row once its window passed, and keeps one still in it",
    async (_name, key, windowMs) => {
      const now = new Date();
      const past = key(ip());
      const current = key(ip());
      await rateLimitRow(past, at(now, -windowMs - 1000));
      await rateLimitRow(current, at(now, -windowMs + 5000));
      await pruneExpired(db, now, big);
      expect(await exists(past)).toBe(false);
      expect(await exists(current)).toBe(true);
    },
  );

  it("keeps a window row whose window was just reset by a new try (its start is recent)", async () => {
    const now = new Date();
    const key = keys.passwordPerIp(ip());
    await claimWindowTry(key, LIMITS.passwordPerIp, now);
    await pruneExpired(db, at(now, LIMITS.passwordPerIp.windowMs - 1000), big);
    expect(await exists(key)).toBe(true);
  });

  it("keeps a name's growing delay while it still counts: until a day without failures and after its wait", async () => {
    const now = new Date();
    const name = keys.passwordFailures(subjects.name(uniqueName("h")));
    // First failure two days ago, the last an hour ago: the run still counts.
    await rateLimitRow(name, at(now, -2 * DAY), at(now, -60 * MINUTE), at(now, -50 * MINUTE));
    const waiting = keys.passwordFailures(subjects.name(uniqueName("h")));
    await rateLimitRow(waiting, at(now, -2 * DAY), at(now, -2 * DAY), at(now, 10 * MINUTE));
    const forgotten = keys.passwordFailures(subjects.name(uniqueName("h")));
    await rateLimitRow(forgotten, at(now, -2 * DAY), at(now, -FALLBACK_KEEP_MS - 1000), at(now, -DAY));
    await pruneExpired(db, now, big);
    expect(await exists(name)).toBe(true);
    expect(await exists(waiting)).toBe(true);
    expect(await exists(forgotten)).toBe(false);
  });

  it("keeps a delayed row that claimDelayedTry just counted, even if its first failure is old", async () => {
    const now = new Date();
    const key = keys.passwordFailures(subjects.name(uniqueName("h")));
    await rateLimitRow(key, at(now, -3 * DAY), at(now, -FAILURE_DELAYS.quietResetMs + MINUTE));
    await claimDelayedTry(key, now);
    await pruneExpired(db, at(now, 2 * MINUTE), big);
    expect(await exists(key)).toBe(true);
  });

  it("keeps a key of a kind it does not know for the longest window of all", async () => {
    const now = new Date();
    const young = `some-future-bucket:${uniqueName()}`;
    const old = `some-future-bucket:${uniqueName()}`;
    await rateLimitRow(young, at(now, -FALLBACK_KEEP_MS + MINUTE));
    await rateLimitRow(old, at(now, -FALLBACK_KEEP_MS - MINUTE));
    await pruneExpired(db, now, big);
    expect(await exists(young)).toBe(true);
    expect(await exists(old)).toBe(false);
  });

  it("never keeps a row for less than any limit of the policy counts (every WindowLimit is covered)", () => {
    const policyWindows = [
      ...Object.values(LIMITS),
      ...Object.values(ACCOUNT_CODE_LIMITS),
      ...Object.values(PASSKEY_SETUP_LIMITS),
      REGISTRATION_ATTEMPT_NOTICES,
    ].map((limit) => limit.windowMs);
    expect(FALLBACK_KEEP_MS).toBeGreaterThanOrEqual(Math.max(...policyWindows, FAILURE_DELAYS.quietResetMs));
    // No rule's prefix swallows the growing delays of "password:<subject>".
    expect(rateLimitRules().some((rule) => keys.passwordFailures("name:x").startsWith(rule.prefix))).toBe(
      false,
    );
  });
});
