/** @jest-environment node */
import { createAccount, freshAddress, later, minutes } from "@/__tests__/kit/account-codes";
import { freshIp } from "@/__tests__/kit/names";
import {
  claimCodeEmail,
  generateAccountCode,
  hashAccountCode,
  issueAccountCode,
  normalizeAccountCode,
  voidUnsentCodes,
} from "@/lib/server/accounts/account-codes";
import { db } from "@/lib/server/platform/db";

describe("account codes", () => {
  it("are 8 characters from a CSPRNG over letters and digits without look-alikes", () => {
    const codes = Array.from({ length: 2000 }, generateAccountCode);
    for (const code of codes) expect(code).toMatch(/^[A-HJKMNP-Z2-9]{8}$/);
    expect(codes.join("")).not.toMatch(/[01ILO]/);
    expect(new Set(codes).size).toBe(codes.length);
    // Every one of the 31 symbols turns up.
    expect(new Set(codes.join("")).size).toBe(31);
  });

  it("accept what people type: lower case, spaces and a hyphen", () => {
    expect(normalizeAccountCode(" abcd-efgh ")).toBe("ABCDEFGH");
    expect(normalizeAccountCode("ab cd ef gh")).toBe("ABCDEFGH");
  });

  it("are stored only as a keyed hash bound to their account and purpose", async () => {
    const user = await createAccount({ verified: false });
    const issued = await issueAccountCode(user.id, user.email, "verify_email", freshIp());
    if (!issued.ok) throw new Error("expected a code");
    const row = await db.accountCode.findFirstOrThrow({ where: { userId: user.id } });
    expect(row.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(issued.code);
    expect(row.secretHash).toBe(hashAccountCode(user.id, "verify_email", issued.code));
    expect(hashAccountCode(user.id, "change_email", issued.code)).not.toBe(row.secretHash);
    expect(hashAccountCode(`${user.id}x`, "verify_email", issued.code)).not.toBe(row.secretHash);
  });

  it("are voided by purpose when their email could not be sent, the other purposes kept", async () => {
    const user = await createAccount({ verified: false });
    for (const purpose of ["verify_email", "change_email"] as const) {
      const issued = await issueAccountCode(user.id, user.email, purpose, freshIp());
      if (!issued.ok) throw new Error("expected a code");
    }
    await voidUnsentCodes(user.id, ["change_email"]);
    const rows = await db.accountCode.findMany({ where: { userId: user.id }, orderBy: { purpose: "asc" } });
    expect(rows.map((row) => [row.purpose, row.voidedAt !== null])).toEqual([
      ["change_email", true],
      ["verify_email", false],
    ]);
  });

  it("carry their code and account in the link, which goes to /verify-email", async () => {
    const user = await createAccount({ verified: false });
    const issued = await issueAccountCode(user.id, user.email, "verify_email", freshIp());
    if (!issued.ok) throw new Error("expected a code");
    const link = new URL(issued.link);
    expect(link.origin + link.pathname).toBe("http://localhost:3000/verify-email");
    expect(Object.fromEntries(link.searchParams)).toEqual({ account: user.id, code: issued.code });
    const change = await issueAccountCode(user.id, freshAddress(), "change_email", freshIp());
    expect(change.ok && new URL(change.link).searchParams.get("purpose")).toBe("change_email");
  });

  it("keep one live code per purpose even when several are issued at once", async () => {
    const user = await createAccount({ verified: false });
    const ip = freshIp();
    const results = await Promise.all(
      Array.from({ length: 3 }, () => issueAccountCode(user.id, user.email, "verify_email", ip)),
    );
    expect(results.every((result) => result.ok)).toBe(true);
    const live = await db.accountCode.count({ where: { userId: user.id, consumedAt: null, voidedAt: null } });
    expect(live).toBe(1);
  });
});

describe("emails carrying account codes", () => {
  it("go at most 3 per 15 minutes to an account, whatever the purpose", async () => {
    const user = await createAccount();
    const start = new Date();
    expect((await claimCodeEmail(user.id, freshIp(), start)).ok).toBe(true);
    expect((await issueAccountCode(user.id, freshAddress(), "change_email", freshIp(), start)).ok).toBe(true);
    expect((await claimCodeEmail(user.id, freshIp(), start)).ok).toBe(true);
    expect(await claimCodeEmail(user.id, freshIp(), later(start, minutes(5)))).toEqual({
      ok: false,
      reason: "limited",
      scope: "account",
      retryAfterSeconds: 10 * 60,
    });
    expect((await claimCodeEmail(user.id, freshIp(), later(start, minutes(15) + 1))).ok).toBe(true);
  });

  it("go at most 10 per hour from one IP, to any accounts, counting names with no account", async () => {
    const ip = freshIp();
    const start = new Date();
    for (let i = 0; i < 9; i++) {
      const user = await createAccount();
      expect((await claimCodeEmail(user.id, ip, start)).ok).toBe(true);
    }
    expect((await claimCodeEmail(null, ip, start)).ok).toBe(true);
    const user = await createAccount();
    expect(await claimCodeEmail(user.id, ip, later(start, minutes(30)))).toEqual({
      ok: false,
      reason: "limited",
      scope: "ip",
      retryAfterSeconds: 30 * 60,
    });
    expect((await claimCodeEmail(user.id, ip, later(start, minutes(60) + 1))).ok).toBe(true);
  });

  it("refused by the IP's limit do not spend the account's allowance", async () => {
    const ip = freshIp();
    const start = new Date();
    for (let i = 0; i < 10; i++) await claimCodeEmail(null, ip, start);
    const user = await createAccount();
    for (let i = 0; i < 5; i++) expect((await claimCodeEmail(user.id, ip, start)).ok).toBe(false);
    for (let i = 0; i < 3; i++) expect((await claimCodeEmail(user.id, freshIp(), start)).ok).toBe(true);
  });
});
