/** @jest-environment node */
import fs from "node:fs";
import path from "node:path";
import { watchOutbox } from "@/__tests__/kit/outbox";
import { createEnrolledUser } from "@/__tests__/kit/users";
import { consumeEmailCode } from "@/lib/server/factors/email-codes";
import { maskEmail, sendCodeOnArrival, sendSignInCode } from "@/lib/server/factors/email-sign-in";
import { db } from "@/lib/server/platform/db";
import { keys, MESSAGES } from "@/lib/server/policy";
import type { PendingChallenge } from "@/lib/server/sign-in/challenge";

async function pendingSignIn(userId: string): Promise<PendingChallenge> {
  const row = await db.signInChallenge.create({
    data: {
      userId,
      purpose: "signin",
      tokenHash: `${userId}-${Math.random()}`,
      expiresAt: new Date(Date.now() + 300_000),
    },
  });
  return {
    id: row.id,
    userId,
    purpose: "signin",
    failedAttempts: 0,
    verified: false,
    expiresAt: row.expiresAt,
  };
}

const codeIn = (text: string): string => {
  const code = /\b(\d{6})\b/.exec(text)?.[1];
  if (!code) throw new Error("no code in the email");
  return code;
};

describe("sendSignInCode", () => {
  it("emails the account a code that completes this challenge", async () => {
    const user = await createEnrolledUser();
    const challenge = await pendingSignIn(user.id);
    const written = watchOutbox();
    expect(await sendSignInCode(challenge)).toEqual({ ok: true });
    const mails = written().filter((mail) => mail.to === user.email);
    expect(mails).toHaveLength(1);
    expect(await consumeEmailCode(challenge.id, codeIn(mails[0].text))).toBe(true);
  });

  it("sends at most 3 codes per account in 15 minutes, then says when to try again", async () => {
    const user = await createEnrolledUser();
    const challenge = await pendingSignIn(user.id);
    for (let i = 0; i < 3; i++) expect(await sendSignInCode(challenge)).toEqual({ ok: true });
    const fourth = await sendSignInCode(challenge);
    expect(fourth.ok).toBe(false);
    expect(!fourth.ok && fourth.message).toMatch(
      /^Too many attempts\. Try again in \d+ (minutes?|seconds?)\.$/,
    );
  });

  it("answers 'sign in again' for a challenge whose account is gone", async () => {
    const user = await createEnrolledUser();
    const challenge = await pendingSignIn(user.id);
    await db.user.delete({ where: { id: user.id } });
    expect(await sendSignInCode(challenge)).toEqual({ ok: false, message: MESSAGES.signInExpired });
  });

  it("gives the send back and voids the code when the email cannot be sent", async () => {
    const user = await createEnrolledUser();
    const challenge = await pendingSignIn(user.id);
    const outbox = path.resolve(process.env.MAIL_OUTBOX_DIR as string);
    const aside = `${outbox}-aside`;
    const errors = jest.spyOn(console, "error").mockImplementation(() => {});
    if (fs.existsSync(outbox)) fs.renameSync(outbox, aside);
    fs.writeFileSync(outbox, "");
    try {
      expect(await sendSignInCode(challenge)).toEqual({ ok: false, message: MESSAGES.codeEmailFailed });
    } finally {
      fs.rmSync(outbox);
      if (fs.existsSync(aside)) fs.renameSync(aside, outbox);
      errors.mockRestore();
    }
    const limit = await db.rateLimit.findUnique({ where: { key: keys.emailCodeSends(user.id) } });
    expect(limit?.count ?? 0).toBe(0);
    expect(await db.emailCode.count({ where: { challengeId: challenge.id, voidedAt: null } })).toBe(0);
  });
});

describe("sendCodeOnArrival", () => {
  it("sends once per sign-in, however often the page loads", async () => {
    const user = await createEnrolledUser();
    const challenge = await pendingSignIn(user.id);
    const written = watchOutbox();
    const loads = await Promise.all([1, 2, 3].map(() => sendCodeOnArrival(challenge)));
    expect(loads.filter((load) => load.sent)).toHaveLength(1);
    expect(written().filter((mail) => mail.to === user.email)).toHaveLength(1);
    expect(await sendCodeOnArrival(challenge)).toEqual({ sent: false });
  });

  it("sends nothing for a sign-in that has ended", async () => {
    const user = await createEnrolledUser();
    const challenge = await pendingSignIn(user.id);
    await db.signInChallenge.update({ where: { id: challenge.id }, data: { consumedAt: new Date() } });
    expect(await sendCodeOnArrival(challenge)).toEqual({ sent: false });
    expect(await db.emailCode.count({ where: { challengeId: challenge.id } })).toBe(0);
  });
});

describe("maskEmail", () => {
  it("keeps the first letter and the domain", () => {
    expect(maskEmail("alice@example.test")).toBe("a***@example.test");
    expect(maskEmail("b@example.test")).toBe("b***@example.test");
  });
});
