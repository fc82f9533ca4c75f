/** @jest-environment node */
import { createEnrolledUser } from "@/__tests__/kit/users";
import { db } from "@/lib/server/platform/db";
import { consumeEmailCode, hasActiveEmailCode, issueEmailCode } from "@/lib/server/factors/email-codes";

async function challengeFor(userId: string): Promise<string> {
  const challenge = await db.signInChallenge.create({
    data: {
      userId,
      purpose: "signin",
      tokenHash: `${userId}-${Math.random()}`,
      expiresAt: new Date(Date.now() + 300_000),
    },
  });
  return challenge.id;
}

async function setup() {
  const user = await createEnrolledUser();
  return { userId: user.id, challengeId: await challengeFor(user.id) };
}

async function issue(userId: string, challengeId: string, now?: Date): Promise<string> {
  const result = await issueEmailCode(userId, challengeId, now);
  if (!result.ok) throw new Error("expected a code");
  return result.code;
}

const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");

describe("emailed sign-in codes", () => {
  it("are 6 digits, stored only as a hash, and accepted once", async () => {
    const { userId, challengeId } = await setup();
    const code = await issue(userId, challengeId);
    expect(code).toMatch(/^\d{6}$/);
    const row = await db.emailCode.findFirstOrThrow({ where: { challengeId } });
    expect(row.codeHash).not.toContain(code);
    expect(row.codeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await consumeEmailCode(challengeId, code)).toBe(true);
    expect(await consumeEmailCode(challengeId, code)).toBe(false);
  });

  it("expire after 10 minutes", async () => {
    const { userId, challengeId } = await setup();
    const sent = new Date();
    const code = await issue(userId, challengeId, sent);
    expect(await hasActiveEmailCode(challengeId, new Date(sent.getTime() + 10 * 60_000 + 1))).toBe(false);
    expect(await consumeEmailCode(challengeId, code, new Date(sent.getTime() + 10 * 60_000 + 1))).toBe(false);
    expect(await consumeEmailCode(challengeId, code, new Date(sent.getTime() + 9 * 60_000))).toBe(true);
  });

  it("allow at most 5 tries: after 5 wrong codes the right one fails", async () => {
    const { userId, challengeId } = await setup();
    const code = await issue(userId, challengeId);
    for (let i = 0; i < 5; i++) expect(await consumeEmailCode(challengeId, wrongCode(code))).toBe(false);
    expect(await consumeEmailCode(challengeId, code)).toBe(false);
  });

  it("are bound to their challenge", async () => {
    const { userId, challengeId } = await setup();
    const other = await challengeFor(userId);
    const code = await issue(userId, challengeId);
    expect(await consumeEmailCode(other, code)).toBe(false);
    expect(await consumeEmailCode(challengeId, code)).toBe(true);
  });

  it("void the previous code when a new one is sent", async () => {
    const { userId, challengeId } = await setup();
    const first = await issue(userId, challengeId);
    const second = await issue(userId, challengeId);
    expect(await consumeEmailCode(challengeId, first === second ? wrongCode(first) : first)).toBe(false);
    expect(await consumeEmailCode(challengeId, second)).toBe(true);
  });

  it("are sent at most 3 times per 15 minutes per account", async () => {
    const { userId, challengeId } = await setup();
    const start = new Date();
    for (let i = 0; i < 3; i++) await issue(userId, challengeId, start);
    const fourth = await issueEmailCode(userId, challengeId, new Date(start.getTime() + 60_000));
    expect(fourth).toEqual({ ok: false, retryAfterSeconds: 14 * 60 });
    const later = await issueEmailCode(userId, challengeId, new Date(start.getTime() + 15 * 60_000 + 1));
    expect(later.ok).toBe(true);
  });

  it("let exactly one of 20 parallel uses of a code succeed", async () => {
    const { userId, challengeId } = await setup();
    const code = await issue(userId, challengeId);
    const results = await Promise.all(Array.from({ length: 20 }, () => consumeEmailCode(challengeId, code)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("refuse garbage without counting it", async () => {
    const { userId, challengeId } = await setup();
    const code = await issue(userId, challengeId);
    for (const input of ["", "12345", "abcdef", "1".repeat(10_000)]) {
      expect(await consumeEmailCode(challengeId, input)).toBe(false);
    }
    expect(await consumeEmailCode(challengeId, code)).toBe(true);
  });
});
