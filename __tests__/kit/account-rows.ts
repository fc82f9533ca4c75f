import { Prisma } from "@prisma/client";
import { randomUUID } from "node:crypto";
import { createEnrolledUser, type TestUser } from "@/__tests__/kit/users";
import { db } from "@/lib/server/platform/db";
import { keys, subjects } from "@/lib/server/policy";
import { nameLimitSubject } from "@/lib/server/sign-in/known-device";

// An enrolled account with a row in every table that can hold one of its
// rows (the account-deletion and operator tests), and a reader of every
// table the schema has, for tests that must find no trace of an account.

const HOUR = 3_600_000;

export type SeededAccount = TestUser & { rateLimitKeys: string[] };

export async function seedAccountWithEveryRow(): Promise<SeededAccount> {
  const user = await createEnrolledUser();
  const later = new Date(Date.now() + HOUR);
  const challenge = await db.signInChallenge.create({
    data: { tokenHash: `t-${randomUUID()}`, userId: user.id, purpose: "signin", expiresAt: later },
  });
  await db.emailCode.create({
    data: { userId: user.id, challengeId: challenge.id, codeHash: `c-${randomUUID()}`, expiresAt: later },
  });
  await db.accountCode.create({
    data: {
      userId: user.id,
      purpose: "verify_email",
      secretHash: `s-${randomUUID()}`,
      email: user.email,
      expiresAt: later,
    },
  });
  await db.accessToken.create({
    data: { jti: randomUUID(), userId: user.id, sessionVersion: 0, issuedAt: new Date(), expiresAt: later },
  });
  await db.securityEvent.create({ data: { userId: user.id, type: "sign_in", ip: "203.0.113.9" } });
  await db.userSession.create({
    data: { id: randomUUID(), userId: user.id, userAgent: "Firefox", ip: "203.0.113.9", expiresAt: later },
  });
  await db.passkey.create({
    data: {
      userId: user.id,
      credentialId: `cred-${randomUUID()}`,
      publicKey: Buffer.from([1, 2, 3]),
      counter: 0,
      deviceType: "singleDevice",
      backedUp: false,
      name: "Laptop",
    },
  });
  await db.passkeyChallenge.create({
    data: { challengeHash: `p-${randomUUID()}`, purpose: "register", userId: user.id, expiresAt: later },
  });
  // A passkey second step names the pending sign-in, not the user.
  await db.passkeyChallenge.create({
    data: {
      challengeHash: `p-${randomUUID()}`,
      purpose: "second_step",
      signInChallengeId: challenge.id,
      expiresAt: later,
    },
  });
  const rateLimitKeys = [
    keys.codes(subjects.account(user.id)),
    keys.codes(subjects.device(user.id, "nonce1")),
    keys.passwordFailures(subjects.device(user.id, "nonce1")),
    keys.passwordFailures(nameLimitSubject(user.username)),
    keys.passwordSteps(nameLimitSubject(user.username)),
    keys.passwordFailures(nameLimitSubject(user.email)),
    keys.emailCodeSends(user.id),
    keys.partialSignIn(user.id),
    keys.tokenIssues(user.id),
  ];
  await db.rateLimit.createMany({
    data: rateLimitKeys.map((key) => ({ key, count: 5, windowStart: new Date(), nextAllowedAt: later })),
  });
  return { ...user, rateLimitKeys };
}

// Every row of every model of the schema (Prisma's DMMF), by model name.
export async function everyRow(): Promise<Record<string, unknown[]>> {
  const tables: Record<string, unknown[]> = {};
  for (const model of Prisma.dmmf.datamodel.models) {
    const delegate = model.name.charAt(0).toLowerCase() + model.name.slice(1);
    const reader = (db as unknown as Record<string, { findMany: () => Promise<unknown[]> }>)[delegate];
    tables[model.name] = await reader.findMany();
  }
  return tables;
}

// The tables in which any row mentions one of `needles` (an id, a name, an
// address, a keyed hash), with the count of such rows.
export async function tablesMentioning(needles: string[]): Promise<Record<string, number>> {
  const found: Record<string, number> = {};
  for (const [table, rows] of Object.entries(await everyRow())) {
    const count = rows.filter((row) => {
      const text = JSON.stringify(row, (_key, value: unknown) =>
        value instanceof Uint8Array ? Buffer.from(value).toString("hex") : value,
      );
      return needles.some((needle) => text.includes(needle));
    }).length;
    if (count > 0) found[table] = count;
  }
  return found;
}
