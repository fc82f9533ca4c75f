/** @jest-environment node */
import {
  createAccount,
  freshContext,
  freshAddress,
  later,
  minutes,
  wrongCodeFor,
} from "@/__tests__/kit/account-codes";
import { freshIp } from "@/__tests__/kit/names";
import {
  isEmailVerified,
  issueVerificationCode,
  verifyEmailCode,
} from "@/lib/server/accounts/email-verification";
import { db } from "@/lib/server/platform/db";

async function unverifiedWithCode(now = new Date()) {
  const user = await createAccount({ verified: false, twoFactorMethod: null });
  const code = await issue(user.id, user.email, now);
  return { user, code };
}

async function issue(userId: string, email: string, now = new Date()): Promise<string> {
  const issued = await issueVerificationCode(userId, email, "verify_email", freshIp(), now);
  if (!issued.ok) throw new Error("expected a code");
  return issued.code;
}

describe("email verification codes", () => {
  it("verify the address once, record the event, and then are used up", async () => {
    const { user, code } = await unverifiedWithCode();
    expect(await isEmailVerified(user.id)).toBe(false);
    expect(await verifyEmailCode(user.id, "verify_email", code, freshContext())).toEqual({
      ok: true,
      email: user.email,
    });
    expect(await isEmailVerified(user.id)).toBe(true);
    expect(await db.securityEvent.count({ where: { userId: user.id, type: "email_verified" } })).toBe(1);
    expect(await verifyEmailCode(user.id, "verify_email", code, freshContext())).toEqual({
      ok: false,
      reason: "none",
    });
  });

  it("accept the code as people type it", async () => {
    const { user, code } = await unverifiedWithCode();
    const typed = `${code.slice(0, 4).toLowerCase()} ${code.slice(4)}`;
    expect((await verifyEmailCode(user.id, "verify_email", typed, freshContext())).ok).toBe(true);
  });

  it("live 15 minutes", async () => {
    const sent = new Date();
    const { user, code } = await unverifiedWithCode(sent);
    const expired = later(sent, minutes(15) + 1);
    expect(await verifyEmailCode(user.id, "verify_email", code, freshContext(), expired)).toEqual({
      ok: false,
      reason: "expired",
    });
    const inTime = later(sent, minutes(15) - 1000);
    expect((await verifyEmailCode(user.id, "verify_email", code, freshContext(), inTime)).ok).toBe(true);
  });

  it("are voided by a newer code", async () => {
    const { user, code: first } = await unverifiedWithCode();
    const second = await issue(user.id, user.email);
    const firstTry = await verifyEmailCode(user.id, "verify_email", first, freshContext());
    expect(firstTry.ok).toBe(false);
    expect((await verifyEmailCode(user.id, "verify_email", second, freshContext())).ok).toBe(true);
  });

  it("say how many tries are left, and are voided by the 5th wrong code", async () => {
    const { user, code } = await unverifiedWithCode();
    const wrong = wrongCodeFor(code);
    for (const triesLeft of [4, 3, 2, 1]) {
      expect(await verifyEmailCode(user.id, "verify_email", wrong, freshContext())).toEqual({
        ok: false,
        reason: "wrong",
        triesLeft,
      });
    }
    expect(await verifyEmailCode(user.id, "verify_email", wrong, freshContext())).toEqual({
      ok: false,
      reason: "voided",
    });
    expect(await verifyEmailCode(user.id, "verify_email", code, freshContext())).toEqual({
      ok: false,
      reason: "voided",
    });
    expect(await isEmailVerified(user.id)).toBe(false);
    const row = await db.accountCode.findFirstOrThrow({ where: { userId: user.id } });
    expect(row.voidedAt).not.toBeNull();
  });

  it("give 20 parallel wrong guesses no more than 5 tries between them", async () => {
    const { user, code } = await unverifiedWithCode();
    const wrong = wrongCodeFor(code);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => verifyEmailCode(user.id, "verify_email", wrong, freshContext())),
    );
    expect(results.every((result) => !result.ok)).toBe(true);
    const row = await db.accountCode.findFirstOrThrow({ where: { userId: user.id } });
    expect(row.attempts).toBe(5);
    expect((await verifyEmailCode(user.id, "verify_email", code, freshContext())).ok).toBe(false);
  });

  it("let exactly one of 10 parallel uses of the right code succeed", async () => {
    const { user, code } = await unverifiedWithCode();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => verifyEmailCode(user.id, "verify_email", code, freshContext())),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(await db.securityEvent.count({ where: { userId: user.id, type: "email_verified" } })).toBe(1);
  });

  it("refuse input that is not a code without spending a try", async () => {
    const { user, code } = await unverifiedWithCode();
    for (const input of ["", "ABC", "0000OOOO", "A".repeat(10_000)]) {
      expect(await verifyEmailCode(user.id, "verify_email", input, freshContext())).toEqual({
        ok: false,
        reason: "wrong",
        triesLeft: 5,
      });
    }
    expect((await verifyEmailCode(user.id, "verify_email", code, freshContext())).ok).toBe(true);
  });

  it("are bound to their account and their purpose", async () => {
    const { user, code } = await unverifiedWithCode();
    const other = await createAccount({ verified: false, twoFactorMethod: null });
    await issue(other.id, other.email);
    expect((await verifyEmailCode(other.id, "verify_email", code, freshContext())).ok).toBe(false);
    expect((await verifyEmailCode(user.id, "change_email", code, freshContext())).ok).toBe(false);
    expect((await verifyEmailCode(user.id, "verify_email", code, freshContext())).ok).toBe(true);
    expect(await isEmailVerified(other.id)).toBe(false);
  });

  it("prove only the address they were sent to", async () => {
    const { user, code } = await unverifiedWithCode();
    await db.user.update({ where: { id: user.id }, data: { email: freshAddress() } });
    expect(await verifyEmailCode(user.id, "verify_email", code, freshContext())).toEqual({
      ok: false,
      reason: "none",
    });
    expect(await isEmailVerified(user.id)).toBe(false);
  });

  it("answer 'none' when no code was ever sent", async () => {
    const user = await createAccount({ verified: false, twoFactorMethod: null });
    expect(await verifyEmailCode(user.id, "verify_email", "ABCDEFGH", freshContext())).toEqual({
      ok: false,
      reason: "none",
    });
  });

  it("are sent at most 3 times per 15 minutes per account", async () => {
    const user = await createAccount({ verified: false, twoFactorMethod: null });
    const start = new Date();
    const codes: string[] = [];
    for (let i = 0; i < 3; i++) codes.push(await issue(user.id, user.email, start));
    const fourth = await issueVerificationCode(user.id, user.email, "verify_email", freshIp(), start);
    expect(fourth).toMatchObject({ ok: false, reason: "limited", scope: "account" });
    // The refused request voided nothing: the third code still works.
    expect((await verifyEmailCode(user.id, "verify_email", codes[2], freshContext(), start)).ok).toBe(true);
  });

  it("are sent at most 10 times per hour from one IP", async () => {
    const ip = freshIp();
    const start = new Date();
    for (let i = 0; i < 10; i++) {
      const user = await createAccount({ verified: false, twoFactorMethod: null });
      expect((await issueVerificationCode(user.id, user.email, "verify_email", ip, start)).ok).toBe(true);
    }
    const user = await createAccount({ verified: false, twoFactorMethod: null });
    const eleventh = await issueVerificationCode(user.id, user.email, "verify_email", ip, start);
    expect(eleventh).toMatchObject({ ok: false, reason: "limited", scope: "ip", retryAfterSeconds: 3600 });
  });
});
