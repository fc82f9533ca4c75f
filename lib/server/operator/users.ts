import "server-only";
import type { PrismaClient, User } from "@prisma/client";
import { EVENT_LABELS, type SecurityEventType } from "../accounts/events";
import { describeBrowser, describeIp } from "../platform/request-labels";

// What the operator CLI shows of accounts: names, states, counts and events,
// never a password hash, secret, code or token.

export type UserSummary = {
  username: string;
  email: string;
  twoFactorMethod: string | null;
  emailVerified: boolean;
  lastSignInAt: Date | null;
  createdAt: Date;
};

export type UserDetails = UserSummary & {
  id: string;
  authenticatorApp: boolean;
  passkeys: number;
  recoveryCodesLeft: number;
  liveAccessTokens: number;
  pendingSignIns: number;
  sessions: { signedInAt: Date; lastSeenAt: Date; ip: string; browser: string }[];
  recentEvents: { at: Date; label: string; ip: string; browser: string; detail: string | null }[];
};

// A username, or an address (anything with an @), as registration normalised them.
export async function findUser(client: PrismaClient, reference: string): Promise<User | null> {
  const normalised = reference.trim().toLowerCase();
  if (!normalised) return null;
  return normalised.includes("@")
    ? client.user.findUnique({ where: { email: normalised } })
    : client.user.findUnique({ where: { username: normalised } });
}

async function lastSignIns(client: PrismaClient, userIds?: string[]): Promise<Map<string, Date>> {
  const rows = await client.securityEvent.groupBy({
    by: ["userId"],
    where: { type: "sign_in", userId: userIds ? { in: userIds } : { not: null } },
    _max: { createdAt: true },
  });
  return new Map(
    rows.flatMap((row) => (row.userId && row._max.createdAt ? [[row.userId, row._max.createdAt]] : [])),
  );
}

const summary = (user: User, lastSignInAt: Date | null): UserSummary => ({
  username: user.username,
  email: user.email,
  twoFactorMethod: user.twoFactorMethod,
  emailVerified: user.emailVerifiedAt !== null,
  lastSignInAt,
  createdAt: user.createdAt,
});

export async function listUsers(client: PrismaClient): Promise<UserSummary[]> {
  const [users, signIns] = await Promise.all([
    client.user.findMany({ orderBy: { username: "asc" } }),
    lastSignIns(client),
  ]);
  return users.map((user) => summary(user, signIns.get(user.id) ?? null));
}

export async function describeUser(client: PrismaClient, user: User, now = new Date()): Promise<UserDetails> {
  const [signIns, totp, passkeys, recoveryCodesLeft, liveAccessTokens, pendingSignIns, events, sessions] =
    await Promise.all([
      lastSignIns(client, [user.id]),
      client.totpFactor.findUnique({ where: { userId: user.id }, select: { confirmedAt: true } }),
      client.passkey.count({ where: { userId: user.id } }),
      client.recoveryCode.count({ where: { userId: user.id, usedAt: null } }),
      client.accessToken.count({
        where: { userId: user.id, sessionVersion: user.sessionVersion, expiresAt: { gt: now } },
      }),
      client.signInChallenge.count({
        where: { userId: user.id, consumedAt: null, expiresAt: { gt: now } },
      }),
      client.securityEvent.findMany({
        where: { userId: user.id },
        orderBy: { createdAt: "desc" },
        take: 10,
        select: { createdAt: true, type: true, ip: true, userAgent: true, detail: true },
      }),
      client.userSession.findMany({
        where: { userId: user.id, endedAt: null, expiresAt: { gt: now } },
        orderBy: { lastSeenAt: "desc" },
        select: { createdAt: true, lastSeenAt: true, ip: true, userAgent: true },
      }),
    ]);
  return {
    ...summary(user, signIns.get(user.id) ?? null),
    id: user.id,
    authenticatorApp: totp?.confirmedAt != null,
    passkeys,
    recoveryCodesLeft,
    liveAccessTokens,
    pendingSignIns,
    sessions: sessions.map((session) => ({
      signedInAt: session.createdAt,
      lastSeenAt: session.lastSeenAt,
      ip: describeIp(session.ip),
      browser: describeBrowser(session.userAgent),
    })),
    recentEvents: events.map((event) => ({
      at: event.createdAt,
      label: EVENT_LABELS[event.type as SecurityEventType] ?? event.type,
      ip: describeIp(event.ip),
      browser: describeBrowser(event.userAgent),
      detail: event.detail,
    })),
  };
}
