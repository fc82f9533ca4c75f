/** @jest-environment node */
import { createAccount, freshAddress, freshContext, later, minutes } from "@/__tests__/kit/account-codes";
import { freshIp } from "@/__tests__/kit/names";
import {
  confirmEmailChange,
  findPendingEmailChange,
  requestEmailChange,
  startEmailChange,
} from "@/lib/server/accounts/email-change";
import { verifyEmailCode } from "@/lib/server/accounts/email-verification";
import { issueResetLink, findReset } from "@/lib/server/accounts/password-reset";
import { db } from "@/lib/server/platform/db";

async function started(userId: string, newEmail: string, now = new Date()): Promise<string> {
  const result = await startEmailChange(userId, newEmail, freshIp(), now);
  if (!result.ok) throw new Error(`expected a code, got ${result.reason}`);
  return result.code;
}

const emailOf = async (userId: string) =>
  (await db.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true } })).email;

describe("changing the email address", () => {
  it("sends a code for the new address and changes nothing until the code comes back", async () => {
    const user = await createAccount();
    const newEmail = freshAddress();
    const result = await startEmailChange(user.id, newEmail, freshIp());
    expect(result).toMatchObject({ ok: true, code: expect.stringMatching(/^[A-Z2-9]{8}$/) });
    const row = await db.accountCode.findFirstOrThrow({
      where: { userId: user.id, purpose: "change_email" },
    });
    expect(row.email).toBe(newEmail);
    expect(await emailOf(user.id)).toBe(user.email);
  });

  it("takes effect with the code: the new address, verified, and an event; the code works once", async () => {
    const user = await createAccount({ verified: false });
    const newEmail = freshAddress();
    const code = await started(user.id, newEmail);
    const now = new Date();
    expect(await confirmEmailChange(user.id, code, freshContext(), now)).toEqual({
      ok: true,
      email: newEmail,
      previousEmail: user.email,
    });
    const after = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect({ email: after.email, verifiedAt: after.emailVerifiedAt }).toEqual({
      email: newEmail,
      verifiedAt: now,
    });
    expect(await db.securityEvent.count({ where: { userId: user.id, type: "email_changed" } })).toBe(1);
    expect(await confirmEmailChange(user.id, code, freshContext())).toEqual({ ok: false, reason: "none" });
  });

  it("is confirmed the same way through verifyEmailCode (the /verify-email page)", async () => {
    const user = await createAccount();
    const newEmail = freshAddress();
    const code = await started(user.id, newEmail);
    expect(await verifyEmailCode(user.id, "change_email", code, freshContext())).toMatchObject({
      ok: true,
      email: newEmail,
    });
  });

  it("refuses the account's own address", async () => {
    const user = await createAccount();
    expect(await startEmailChange(user.id, user.email, freshIp())).toEqual({
      ok: false,
      reason: "same_email",
    });
  });

  it("refuses an address another account holds, and the try counts as a send", async () => {
    const user = await createAccount();
    const other = await createAccount();
    const now = new Date();
    expect(await startEmailChange(user.id, other.email, freshIp(), now)).toEqual({
      ok: false,
      reason: "email_taken",
    });
    await started(user.id, freshAddress(), now);
    await started(user.id, freshAddress(), now);
    expect(await startEmailChange(user.id, freshAddress(), freshIp(), now)).toMatchObject({
      ok: false,
      reason: "limited",
      scope: "account",
    });
  });

  it("answers email_taken, not an error, when the address was taken before the code came back", async () => {
    const user = await createAccount();
    const newEmail = freshAddress();
    const code = await started(user.id, newEmail);
    await createAccount({ email: newEmail });
    expect(await confirmEmailChange(user.id, code, freshContext())).toEqual({
      ok: false,
      reason: "email_taken",
    });
    expect(await emailOf(user.id)).toBe(user.email);
    const row = await db.accountCode.findFirstOrThrow({
      where: { userId: user.id, purpose: "change_email" },
    });
    expect(row.voidedAt).not.toBeNull();
  });

  it("takes over an address held by an unverified account older than 24 hours", async () => {
    const user = await createAccount();
    const newEmail = freshAddress();
    const squatter = await createAccount({
      email: newEmail,
      verified: false,
      twoFactorMethod: null,
      createdAt: later(new Date(), -minutes(25 * 60)),
    });
    const code = await started(user.id, newEmail);
    expect((await confirmEmailChange(user.id, code, freshContext())).ok).toBe(true);
    expect(await db.user.findUnique({ where: { id: squatter.id } })).toBeNull();
    expect(await emailOf(user.id)).toBe(newEmail);
  });

  it("lives 15 minutes and is voided by a newer change", async () => {
    const user = await createAccount();
    const sent = new Date();
    const first = await started(user.id, freshAddress(), sent);
    const expired = await confirmEmailChange(user.id, first, freshContext(), later(sent, minutes(15) + 1));
    expect(expired).toEqual({ ok: false, reason: "expired" });
    const second = await started(user.id, freshAddress(), sent);
    expect((await confirmEmailChange(user.id, first, freshContext(), sent)).ok).toBe(false);
    expect((await confirmEmailChange(user.id, second, freshContext(), sent)).ok).toBe(true);
  });

  it("voids a reset link sent to the old address", async () => {
    const user = await createAccount();
    const reset = await issueResetLink(user.id, freshIp());
    if (!reset.ok) throw new Error("expected a reset link");
    const code = await started(user.id, freshAddress());
    expect((await confirmEmailChange(user.id, code, freshContext())).ok).toBe(true);
    expect(await findReset(reset.token)).toEqual({ ok: false, reason: "invalid" });
  });
});

describe("the change waiting for its code", () => {
  it("names the new address until the code is used, replaced by a newer one, or expired", async () => {
    const user = await createAccount();
    expect(await findPendingEmailChange(user.id)).toBeNull();
    const now = new Date();
    const first = freshAddress();
    await started(user.id, first, now);
    expect(await findPendingEmailChange(user.id, now)).toEqual({
      email: first,
      expiresAt: later(now, minutes(15)),
    });
    const second = freshAddress();
    const code = await started(user.id, second, later(now, 1000));
    expect((await findPendingEmailChange(user.id, later(now, 2000)))?.email).toBe(second);
    expect(await findPendingEmailChange(user.id, later(now, minutes(16)))).toBeNull();
    await confirmEmailChange(user.id, code, freshContext(), later(now, 3000));
    expect(await findPendingEmailChange(user.id, later(now, 4000))).toBeNull();
  });
});

describe("asking for a change without telling which addresses are taken", () => {
  it("delivers a code for a free address", async () => {
    const user = await createAccount();
    const newEmail = freshAddress();
    const result = await requestEmailChange(user.id, newEmail, freshIp());
    expect(result).toMatchObject({ ok: true, deliver: true, code: expect.stringMatching(/^[A-Z2-9]{8}$/) });
    expect((await findPendingEmailChange(user.id))?.email).toBe(newEmail);
  });

  it("answers a taken address like a free one, but not to deliver, and its code never confirms", async () => {
    const user = await createAccount();
    const other = await createAccount();
    const ip = freshIp();
    const result = await requestEmailChange(user.id, other.email, ip);
    if (!result.ok) throw new Error(`expected a code, got ${result.reason}`);
    expect(result.deliver).toBe(false);
    expect((await findPendingEmailChange(user.id))?.email).toBe(other.email);
    const sends = await db.rateLimit.findUniqueOrThrow({
      where: { key: `account-code-send:account:${user.id}` },
    });
    expect(sends.count).toBe(1);
    // Even the code itself, which no one receives, cannot take the address.
    expect(await confirmEmailChange(user.id, result.code, freshContext())).toEqual({
      ok: false,
      reason: "email_taken",
    });
    expect(await emailOf(user.id)).toBe(user.email);
    expect(await emailOf(other.id)).toBe(other.email);
  });

  it("refuses the account's own address and passes the sending limits on", async () => {
    const user = await createAccount();
    expect(await requestEmailChange(user.id, user.email, freshIp())).toEqual({
      ok: false,
      reason: "same_email",
    });
    const ip = freshIp();
    for (let i = 0; i < 3; i++) expect((await requestEmailChange(user.id, freshAddress(), ip)).ok).toBe(true);
    expect(await requestEmailChange(user.id, freshAddress(), ip)).toMatchObject({
      ok: false,
      reason: "limited",
      scope: "account",
    });
  });
});
