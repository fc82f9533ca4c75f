import "server-only";
import { parseArgs } from "node:util";
import type { PrismaClient, User } from "@prisma/client";
import type { PruneCounts } from "../platform/prune";
import { deleteUser, pruneNow, resetTwoFactor, revokeUser, unlockUser } from "./commands";
import { describeUser, findUser, listUsers, type UserDetails, type UserSummary } from "./users";

// `npm run admin -- <command> [<user>] [--yes] [--json]` (scripts/admin.mjs).
// Exit codes: 0 done, 1 refused or failed (unknown user, not confirmed), 2 a
// usage error.

export type AdminIo = {
  out(line: string): void;
  err(line: string): void;
  // A person at a terminal, who can be asked to confirm.
  interactive: boolean;
  confirm(question: string): Promise<boolean>;
};

export const USAGE = `Usage: npm run admin -- <command> [options]

Commands:
  list                 every account: username, 2FA method, verified, last sign-in
  show <user>          one account (username or email): factors, counts, recent events
  reset-2fa <user>     remove every second factor, passkey and recovery code; sign out everywhere;
                       email the user (their next sign-in sets up a new factor)
  unlock <user>        clear the account's rate limits (failed passwords and codes)
  revoke <user>        sign out everywhere (every session and access token)
  delete <user>        delete the account and every row of it
  prune                delete expired challenges, codes, rate limits, sessions, tokens and old events

Options:
  --yes, -y            do it without asking (needed without a terminal)
  --json               list, show: print JSON
  --help, -h           this text`;

type Change = {
  question: (user: User) => string;
  run: (client: PrismaClient, user: User, io: AdminIo) => Promise<number>;
};

const CHANGES: Record<string, Change> = {
  "reset-2fa": {
    question: (user) => `Remove every second factor of ${user.username} and sign them out everywhere?`,
    run: async (client, user, io) => {
      const reset = await resetTwoFactor(client, user);
      io.out(
        `Reset two-factor authentication of ${user.username}: removed ${reset.totpFactors} authenticator app, ` +
          `${reset.passkeys} passkeys, ${reset.recoveryCodes} recovery codes and ${reset.pendingChallenges} pending sign-ins; ` +
          `signed out everywhere (${reset.sessions} live sessions ended). Their next sign-in with the password sets up a new factor.`,
      );
      if (reset.emailed) io.out(`Emailed ${user.email}.`);
      else io.err(`Could not email ${user.email}: tell them another way.`);
      return 0;
    },
  },
  unlock: {
    question: (user) => `Clear every rate limit of ${user.username}?`,
    run: async (client, user, io) => {
      const cleared = await unlockUser(client, user);
      io.out(`Unlocked ${user.username}: cleared ${cleared} rate-limit rows.`);
      return 0;
    },
  },
  revoke: {
    question: (user) => `Sign ${user.username} out everywhere?`,
    run: async (client, user, io) => {
      const sessions = await revokeUser(client, user);
      io.out(
        `Signed ${user.username} out everywhere: ${sessions} live sessions ended, every session and access token is revoked.`,
      );
      return 0;
    },
  },
  delete: {
    question: (user) => `Delete the account ${user.username} <${user.email}> and every row of it, for good?`,
    run: async (client, user, io) => {
      const deleted = await deleteUser(client, user);
      if (!deleted) {
        io.err(`No account ${user.username} any more.`);
        return 1;
      }
      io.out(
        `Deleted the account ${user.username} <${user.email}>; its username and address are free again.`,
      );
      if (deleted.emailed) io.out(`Emailed ${user.email}.`);
      else io.err(`Could not email ${user.email}: tell them another way.`);
      return 0;
    },
  },
};

const iso = (date: Date | null): string => (date ? date.toISOString() : "never");

function summaryLine(user: UserSummary): string {
  return [
    user.username,
    `2fa=${user.twoFactorMethod ?? "none"}`,
    user.emailVerified ? "verified" : "unverified",
    `last-sign-in=${iso(user.lastSignInAt)}`,
  ].join("\t");
}

function detailLines(user: UserDetails): string[] {
  return [
    `${user.username} <${user.email}>`,
    `  id: ${user.id}`,
    `  created: ${iso(user.createdAt)}`,
    `  email: ${user.emailVerified ? "verified" : "unverified"}`,
    `  two-factor method: ${user.twoFactorMethod ?? "none (the next sign-in sets one up)"}`,
    `  authenticator app: ${user.authenticatorApp ? "yes" : "no"}`,
    `  passkeys: ${user.passkeys}`,
    `  recovery codes left: ${user.recoveryCodesLeft}`,
    `  live access tokens: ${user.liveAccessTokens}`,
    `  pending sign-ins: ${user.pendingSignIns}`,
    `  live sessions:${user.sessions.length === 0 ? " none" : ""}`,
    ...user.sessions.map(
      (session) =>
        `    signed in ${iso(session.signedInAt)}, last seen ${iso(session.lastSeenAt)}  ${session.ip}, ${session.browser}`,
    ),
    `  last sign-in: ${iso(user.lastSignInAt)}`,
    `  recent events:${user.recentEvents.length === 0 ? " none" : ""}`,
    ...user.recentEvents.map(
      (event) =>
        `    ${iso(event.at)}  ${event.label}${event.detail ? ` (${event.detail})` : ""}  ${event.ip}, ${event.browser}`,
    ),
  ];
}

function pruneLine(counts: PruneCounts): string {
  const parts = Object.entries(counts).map(([table, count]) => `${table}=${count}`);
  return `Pruned ${Object.values(counts).reduce((sum, count) => sum + count, 0)} rows: ${parts.join(" ")}`;
}

type Parsed = {
  command?: string;
  user?: string;
  extra: string[];
  yes: boolean;
  json: boolean;
  help: boolean;
};

function parse(argv: string[]): Parsed | string {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        yes: { type: "boolean", short: "y", default: false },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
    const [command, user, ...extra] = positionals;
    return { command, user, extra, yes: values.yes, json: values.json, help: values.help };
  } catch (error) {
    return error instanceof Error ? error.message : "Could not read the arguments.";
  }
}

function usageError(io: AdminIo, message: string): number {
  io.err(message);
  io.err(USAGE);
  return 2;
}

export async function runAdmin(argv: string[], io: AdminIo, client: PrismaClient): Promise<number> {
  const parsed = parse(argv);
  if (typeof parsed === "string") return usageError(io, parsed);
  const { command, user: reference, extra, yes, json, help } = parsed;
  if (help || command === "help") {
    io.out(USAGE);
    return 0;
  }
  if (!command) return usageError(io, "Name a command.");
  // Own keys only: "toString" is no command.
  const isChange = Object.hasOwn(CHANGES, command);
  const takesUser = command === "show" || isChange;
  const known = takesUser || command === "list" || command === "prune";
  if (!known) return usageError(io, `Unknown command "${command}".`);
  if (extra.length > 0 || (!takesUser && reference !== undefined))
    return usageError(io, `Too many arguments for ${command}.`);
  if (takesUser && !reference) return usageError(io, `${command} needs a user (username or email).`);

  if (command === "list") {
    const users = await listUsers(client);
    if (json) io.out(JSON.stringify(users, null, 2));
    else for (const user of users) io.out(summaryLine(user));
    if (!json && users.length === 0) io.err("No accounts.");
    return 0;
  }
  if (command === "prune") {
    io.out(pruneLine(await pruneNow(client)));
    return 0;
  }

  const user = await findUser(client, reference as string);
  if (!user) {
    io.err(`No account with the username or email "${reference}".`);
    return 1;
  }
  if (command === "show") {
    const details = await describeUser(client, user);
    if (json) io.out(JSON.stringify(details, null, 2));
    else for (const line of detailLines(details)) io.out(line);
    return 0;
  }
  const change = isChange ? CHANGES[command] : undefined;
  if (!change) return usageError(io, `Unknown command "${command}".`);
  if (!yes) {
    if (!io.interactive) {
      io.err(`${command} changes the account ${user.username}: nothing changed; confirm with --yes.`);
      return 1;
    }
    if (!(await io.confirm(`${change.question(user)} [y/N] `))) {
      io.err("Nothing changed.");
      return 1;
    }
  }
  return change.run(client, user, io);
}
