/** @jest-environment node */
import { uniqueName } from "@/__tests__/kit/names";
import { createEnrolledUser } from "@/__tests__/kit/users";
import { runAdmin, USAGE, type AdminIo } from "@/lib/server/operator/cli";
import { db } from "@/lib/server/platform/db";

type Captured = AdminIo & { stdout: string[]; stderr: string[]; asked: string[] };

function io(options: { interactive?: boolean; answer?: boolean } = {}): Captured {
  const captured: Captured = {
    stdout: [],
    stderr: [],
    asked: [],
    interactive: options.interactive ?? false,
    out: (line) => captured.stdout.push(line),
    err: (line) => captured.stderr.push(line),
    confirm: async (question) => {
      captured.asked.push(question);
      return options.answer ?? false;
    },
  };
  return captured;
}

const admin = async (args: string[], options?: { interactive?: boolean; answer?: boolean }) => {
  const sink = io(options);
  const code = await runAdmin(args, sink, db);
  return { code, out: sink.stdout.join("\n"), err: sink.stderr.join("\n"), asked: sink.asked };
};

const methodOf = async (id: string) => (await db.user.findUniqueOrThrow({ where: { id } })).twoFactorMethod;

describe("runAdmin", () => {
  it("lists one line per account starting with the username, and --json parses", async () => {
    const user = await createEnrolledUser();
    const { code, out } = await admin(["list"]);
    expect(code).toBe(0);
    const line = out.split("\n").find((row) => row.startsWith(`${user.username}\t`));
    expect(line).toBe(`${user.username}\t2fa=totp\tunverified\tlast-sign-in=never`);
    const json = await admin(["list", "--json"]);
    const rows = JSON.parse(json.out) as { username: string; twoFactorMethod: string }[];
    expect(rows.find((row) => row.username === user.username)?.twoFactorMethod).toBe("totp");
  });

  it("shows an account by username or email without a secret, hash or code", async () => {
    const user = await createEnrolledUser();
    const { code, out } = await admin(["show", user.email]);
    expect(code).toBe(0);
    expect(out).toContain(`${user.username} <${user.email}>`);
    expect(out).toContain("recovery codes left: 10");
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id }, include: { totpFactor: true } });
    for (const secret of [
      row.passwordHash,
      row.totpFactor?.secretCiphertext,
      user.secret,
      ...user.recoveryCodes,
    ]) {
      expect(out).not.toContain(secret);
    }
    expect(JSON.parse((await admin(["show", user.username, "--json"])).out).passkeys).toBe(0);
  });

  it("changes nothing without --yes and without a terminal, and says to confirm with --yes", async () => {
    const user = await createEnrolledUser();
    for (const command of ["reset-2fa", "unlock", "revoke", "delete"]) {
      const { code, err } = await admin([command, user.username]);
      expect(code).toBe(1);
      expect(err).toContain("confirm with --yes");
    }
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row).toMatchObject({ twoFactorMethod: "totp", sessionVersion: 0 });
    expect(await db.securityEvent.count({ where: { userId: user.id } })).toBe(0);
  });

  it("asks at a terminal, and changes nothing unless the answer is yes", async () => {
    const user = await createEnrolledUser();
    const refused = await admin(["reset-2fa", user.username], { interactive: true, answer: false });
    expect(refused.asked).toEqual([
      `Remove every second factor of ${user.username} and sign them out everywhere? [y/N] `,
    ]);
    expect(refused.code).toBe(1);
    expect(await methodOf(user.id)).toBe("totp");
    const accepted = await admin(["reset-2fa", user.username], { interactive: true, answer: true });
    expect(accepted.code).toBe(0);
    expect(await methodOf(user.id)).toBeNull();
  });

  it("with --yes resets the second factor and prints what it did", async () => {
    const user = await createEnrolledUser();
    const { code, out } = await admin(["reset-2fa", user.username, "--yes"]);
    expect(code).toBe(0);
    expect(out).toContain(`Reset two-factor authentication of ${user.username}: removed 1 authenticator app`);
    expect(out).toContain(`Emailed ${user.email}.`);
    expect(await methodOf(user.id)).toBeNull();
  });

  it("revokes, unlocks and deletes with -y, each saying what it did", async () => {
    const user = await createEnrolledUser();
    expect((await admin(["revoke", user.username, "-y"])).out).toContain(
      `Signed ${user.username} out everywhere`,
    );
    expect((await admin(["unlock", user.username, "-y"])).out).toContain(
      `Unlocked ${user.username}: cleared 0`,
    );
    expect((await admin(["delete", user.email, "-y"])).out).toContain(`Deleted the account ${user.username}`);
    expect(await db.user.findUnique({ where: { id: user.id } })).toBeNull();
  });

  it("prunes and prints the counts", async () => {
    const { code, out } = await admin(["prune"]);
    expect(code).toBe(0);
    expect(out).toMatch(/^Pruned \d+ rows: signInChallenges=\d+ .*rateLimits=\d+ securityEvents=\d+/);
  });

  it("exits 1 with a clear message on an unknown user", async () => {
    const name = uniqueName("nobody");
    const { code, err } = await admin(["reset-2fa", name, "--yes"]);
    expect(code).toBe(1);
    expect(err).toBe(`No account with the username or email "${name}".`);
  });

  it("exits 2 with the usage on an unknown command, a missing user, an unknown option or extra arguments", async () => {
    for (const args of [
      ["frobnicate"],
      ["toString", "x"],
      [],
      ["show"],
      ["list", "--force"],
      ["list", "extra"],
      ["show", "a", "b"],
    ]) {
      const { code, err } = await admin(args);
      expect([args, code]).toEqual([args, 2]);
      expect(err).toContain(USAGE);
    }
    const unknown = await admin(["frobnicate"]);
    expect(unknown.err).toContain('Unknown command "frobnicate".');
  });

  it("prints the usage for --help and exits 0", async () => {
    const { code, out } = await admin(["--help"]);
    expect(code).toBe(0);
    expect(out).toBe(USAGE);
  });
});
