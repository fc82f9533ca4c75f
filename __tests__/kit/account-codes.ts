import { db } from "@/lib/server/platform/db";
import type { RequestContext } from "@/lib/server/platform/request-context";
import { ACCOUNT_CODES } from "@/lib/server/policy";
import { freshIp, uniqueName } from "@/__tests__/kit/names";

// Accounts in the states email verification and recovery care about, made
// directly in the database, and helpers for their codes.

export type AccountState = {
  verified?: boolean;
  twoFactorMethod?: "totp" | "email" | null;
  createdAt?: Date;
  email?: string;
};

export async function createAccount(state: AccountState = {}) {
  const username = uniqueName("a");
  return db.user.create({
    data: {
      username,
      email: state.email ?? `${username}@example.test`,
      passwordHash: "not-a-real-hash",
      twoFactorMethod: state.twoFactorMethod === undefined ? "totp" : state.twoFactorMethod,
      twoFactorAt: state.twoFactorMethod === null ? null : new Date(),
      emailVerifiedAt: state.verified === false ? null : new Date(),
      ...(state.createdAt ? { createdAt: state.createdAt } : {}),
    },
  });
}

export const freshContext = (): RequestContext => ({ ip: freshIp(), userAgent: "jest" });

export const freshAddress = (): string => `${uniqueName("addr")}@example.test`;

// A code of the right shape that is not `code`.
export function wrongCodeFor(code: string): string {
  const alphabet = ACCOUNT_CODES.codeAlphabet;
  const last = alphabet[(alphabet.indexOf(code[code.length - 1]) + 1) % alphabet.length];
  return code.slice(0, -1) + last;
}

export const minutes = (n: number): number => n * 60_000;
export const later = (from: Date, ms: number): Date => new Date(from.getTime() + ms);

// The verification code on its own line of a verification email's text.
export function verificationCodeIn(text: string): string {
  const code = new RegExp(
    `^\\s*([${ACCOUNT_CODES.codeAlphabet}]{${ACCOUNT_CODES.codeLength}})\\s*$`,
    "m",
  ).exec(text)?.[1];
  if (!code) throw new Error("no verification code in the email");
  return code;
}

// Registration now stops at /verify-email: tests about what follows it
// (enrolment, sign-in) prove the address directly.
export async function markEmailVerified(username: string): Promise<void> {
  await db.user.update({
    where: { username: username.toLowerCase() },
    data: { emailVerifiedAt: new Date() },
  });
}
