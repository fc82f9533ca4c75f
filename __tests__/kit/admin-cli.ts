import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { PrismaClient } from "@prisma/client";
import { watchOutbox } from "@/__tests__/kit/outbox";
import { uniqueName } from "@/__tests__/kit/names";
import { hashPassword } from "@/lib/server/accounts/password";
import { generateRecoveryCodes, hashRecoveryCode } from "@/lib/server/factors/recovery-codes";
import { encryptSecret } from "@/lib/server/platform/encryption";
import { keys } from "@/lib/server/policy";
import { nameLimitSubject } from "@/lib/server/sign-in/known-device";

// `npm run admin` as an operator runs it: a real process on a database of
// the test's own (SQLite file or PostgreSQL database), no web server. The
// same checks run on both (__tests__/scripts/admin.test.ts, __tests__/pg/admin.test.ts).

const root = path.resolve(__dirname, "..", "..");

export type CliRun = { code: number | null; stdout: string; stderr: string; ms: number };

export type CliTarget = {
  databaseUrl: string;
  outbox: string;
  nodeOptions?: string;
  // Variables set to another value (a broken configuration).
  set?: Record<string, string>;
};

export function newOutbox(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "admin-outbox-"));
}

// stdin is a pipe, never a terminal: a destructive command needs --yes.
export function runCli(target: CliTarget, args: string[], viaNpm = false): Promise<CliRun> {
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATABASE_URL: target.databaseUrl,
    AUTH_SECRET: process.env.AUTH_SECRET,
    JWT_SECRET: process.env.JWT_SECRET,
    TOTP_ENCRYPTION_KEY: process.env.TOTP_ENCRYPTION_KEY,
    APP_URL: "http://localhost:3000",
    MAIL_OUTBOX_DIR: target.outbox,
    SMTP_URL: "",
    NODE_OPTIONS: target.nodeOptions,
    ...target.set,
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const [command, argv] = viaNpm
    ? ["npm", ["run", "admin", "--silent", "--", ...args]]
    : [process.execPath, [path.join(root, "scripts", "admin.mjs"), ...args]];
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { cwd: root, env: env as NodeJS.ProcessEnv, stdio: "pipe" });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.stdin.end();
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({
        code,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        ms: Date.now() - started,
      }),
    );
  });
}

export type CliUser = {
  id: string;
  username: string;
  email: string;
  secret: string;
  recoveryCodes: string[];
};

// A verified, enrolled account with a locked name (6 failed passwords).
export async function seedCliUser(client: PrismaClient): Promise<CliUser> {
  const username = uniqueName("op");
  const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
  const recoveryCodes = generateRecoveryCodes();
  const user = await client.user.create({
    data: {
      username,
      email: `${username}@example.test`,
      passwordHash: await hashPassword(`pass-${username}-words`),
      twoFactorMethod: "totp",
      twoFactorAt: new Date(),
      emailVerifiedAt: new Date(),
      totpFactor: { create: { secretCiphertext: encryptSecret(secret), confirmedAt: new Date() } },
      recoveryCodes: { create: recoveryCodes.map((code) => ({ codeHash: hashRecoveryCode(code) })) },
      events: { create: { type: "sign_in", ip: "203.0.113.20", userAgent: "jest" } },
    },
  });
  await client.rateLimit.create({
    data: {
      key: keys.passwordFailures(nameLimitSubject(username)),
      count: 6,
      windowStart: new Date(),
      nextAllowedAt: new Date(Date.now() + 60_000),
    },
  });
  return { id: user.id, username, email: user.email, secret, recoveryCodes };
}

// The checks of the CLI on one database.
export function describeAdminCli(
  name: string,
  setup: () => Promise<{ target: CliTarget; client: PrismaClient }>,
) {
  describe(name, () => {
    let target: CliTarget;
    let client: PrismaClient;
    let user: CliUser;
    const durations: number[] = [];
    const cli = async (args: string[], viaNpm = false) => {
      const run = await runCli(target, args, viaNpm);
      durations.push(run.ms);
      return run;
    };

    beforeAll(async () => {
      ({ target, client } = await setup());
      user = await seedCliUser(client);
    });
    afterAll(() => {
      // The start time of a command, as an operator waits for it.
      console.info(`[admin] ${name}: runs took ${durations.join(", ")} ms`);
    });

    it("lists the account on a line starting with its username, and --json parses", async () => {
      const list = await cli(["list"], true);
      expect([list.code, list.stderr]).toEqual([0, ""]);
      expect(list.stdout.split("\n")).toContain(
        `${user.username}\t2fa=totp\tverified\tlast-sign-in=${(
          await client.securityEvent.findFirstOrThrow({ where: { userId: user.id } })
        ).createdAt.toISOString()}`,
      );
      const json = await cli(["list", "--json"]);
      expect((JSON.parse(json.stdout) as { username: string }[]).map((row) => row.username)).toContain(
        user.username,
      );
    });

    it("shows the account without a secret, hash or code", async () => {
      const show = await cli(["show", user.email]);
      expect(show.code).toBe(0);
      expect(show.stdout).toContain("recovery codes left: 10");
      const row = await client.user.findUniqueOrThrow({
        where: { id: user.id },
        include: { totpFactor: true },
      });
      for (const secret of [
        row.passwordHash,
        row.totpFactor?.secretCiphertext,
        user.secret,
        ...user.recoveryCodes,
      ]) {
        expect(show.stdout).not.toContain(secret);
      }
    });

    it("refuses reset-2fa without --yes and a terminal: non-zero, 'confirm with --yes', nothing changed", async () => {
      const run = await cli(["reset-2fa", user.username]);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain("confirm with --yes");
      expect(await client.totpFactor.count({ where: { userId: user.id } })).toBe(1);
    });

    it("clears the locked name with unlock --yes", async () => {
      const run = await cli(["unlock", user.username, "--yes"]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Unlocked ${user.username}: cleared 1 rate-limit rows.`);
      expect(
        await client.rateLimit.count({
          where: { key: keys.passwordFailures(nameLimitSubject(user.username)) },
        }),
      ).toBe(0);
    });

    it("with --yes removes the factor, leaves the account to set up a new one, and emails the user", async () => {
      const outbox = watchOutbox(target.outbox);
      const run = await cli(["reset-2fa", user.username, "--yes"]);
      expect([run.code, run.stderr]).toEqual([0, ""]);
      expect(run.stdout).toContain(`Emailed ${user.email}.`);
      const row = await client.user.findUniqueOrThrow({ where: { id: user.id } });
      // What loginAction sends to /setup-2fa: the right password, no method, a verified address.
      expect(row).toMatchObject({ twoFactorMethod: null, sessionVersion: 1 });
      expect(row.emailVerifiedAt).not.toBeNull();
      expect(await client.totpFactor.count({ where: { userId: user.id } })).toBe(0);
      expect(await client.recoveryCode.count({ where: { userId: user.id } })).toBe(0);
      expect(outbox().map((mail) => [mail.to, mail.subject])).toEqual([
        [user.email, "Your two-factor authentication was reset"],
      ]);
      const events = await client.securityEvent.findMany({
        where: { userId: user.id, type: "operator_reset_2fa" },
      });
      expect(events.map((event) => event.detail)).toEqual(["by an operator"]);
    });

    it("exits non-zero with a clear message on an unknown user", async () => {
      const run = await cli(["revoke", "no-such-user-here", "--yes"]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('No account with the username or email "no-such-user-here".');
    });

    it("exits non-zero with the usage on an unknown command", async () => {
      const run = await cli(["frobnicate"]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("Unknown command");
      expect(run.stderr).toContain("Usage: npm run admin -- <command>");
    });

    it("deletes the account with delete --yes, and prune prints its counts", async () => {
      const run = await cli(["delete", user.username, "--yes"]);
      expect(run.code).toBe(0);
      expect(await client.user.findUnique({ where: { id: user.id } })).toBeNull();
      const prune = await cli(["prune"]);
      expect(prune.code).toBe(0);
      expect(prune.stdout).toMatch(/^Pruned \d+ rows: /);
    });
  });
}
