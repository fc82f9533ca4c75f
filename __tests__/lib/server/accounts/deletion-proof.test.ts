/** @jest-environment node */
import { randomUUID } from "node:crypto";
import { createEnrolledUser } from "@/__tests__/kit/users";
import { deleteAccount } from "@/lib/server/accounts/account-deletion";
import { consumeDeletionProof, createDeletionProof } from "@/lib/server/accounts/deletion-proof";
import { db } from "@/lib/server/platform/db";
import { ACCOUNT_DELETION, accountDeletionKeys } from "@/lib/server/policy";

const proofRows = (sessionId: string) =>
  db.rateLimit.findMany({ where: { key: { startsWith: accountDeletionKeys.sessionPrefix(sessionId) } } });

describe("the proof of a deletion's re-authentication", () => {
  it("is accepted once, for its account, session and token", async () => {
    const user = await createEnrolledUser();
    const sessionId = randomUUID();
    const token = await createDeletionProof(user.id, sessionId);
    expect(await consumeDeletionProof(user.id, sessionId, token)).toBe(true);
    expect(await consumeDeletionProof(user.id, sessionId, token)).toBe(false);
    expect(await proofRows(sessionId)).toEqual([]);
  });

  it("refuses another session, another account and another token, and stays usable by its own", async () => {
    const [user, other] = [await createEnrolledUser(), await createEnrolledUser()];
    const sessionId = randomUUID();
    const token = await createDeletionProof(user.id, sessionId);
    expect(await consumeDeletionProof(user.id, randomUUID(), token)).toBe(false);
    expect(await consumeDeletionProof(other.id, sessionId, token)).toBe(false);
    expect(await consumeDeletionProof(user.id, sessionId, `${token}x`)).toBe(false);
    expect(await consumeDeletionProof(user.id, sessionId, "")).toBe(false);
    expect(await consumeDeletionProof(user.id, sessionId, token)).toBe(true);
  });

  it(`refuses a proof older than ${ACCOUNT_DELETION.proofLifetimeMs / 60_000} minutes`, async () => {
    const user = await createEnrolledUser();
    const sessionId = randomUUID();
    const token = await createDeletionProof(user.id, sessionId);
    jest.useFakeTimers({
      now: Date.now() + ACCOUNT_DELETION.proofLifetimeMs + 1_000,
      doNotFake: ["nextTick", "setImmediate", "queueMicrotask"],
    });
    try {
      expect(await consumeDeletionProof(user.id, sessionId, token)).toBe(false);
    } finally {
      jest.useRealTimers();
    }
  });

  it("stores only a hash of the token, and a newer proof of the session replaces the older", async () => {
    const user = await createEnrolledUser();
    const sessionId = randomUUID();
    const first = await createDeletionProof(user.id, sessionId);
    const second = await createDeletionProof(user.id, sessionId);
    const rows = await proofRows(sessionId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.key).not.toContain(second);
    expect(await consumeDeletionProof(user.id, sessionId, first)).toBe(false);
    expect(await consumeDeletionProof(user.id, sessionId, second)).toBe(true);
  });

  it("goes with the account when the account is deleted", async () => {
    const user = await createEnrolledUser();
    const sessionId = randomUUID();
    await createDeletionProof(user.id, sessionId);
    await deleteAccount(user.id, { ip: "203.0.113.5", userAgent: "jest" }, "operator");
    expect(await proofRows(sessionId)).toEqual([]);
  });
});
