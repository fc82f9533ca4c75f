/** @jest-environment node */
import { createAccount, freshAddress, later, minutes } from "@/__tests__/kit/account-codes";
import { uniqueName } from "@/__tests__/kit/names";
import { isAddressTaken, releaseStaleAddress } from "@/lib/server/accounts/address-hold";
import { db } from "@/lib/server/platform/db";

const DAY = minutes(24 * 60);

// What registration will do: free the address, then create the account, in
// one transaction.
async function registerWith(email: string, now = new Date()) {
  return db.$transaction(async (tx) => {
    const released = await releaseStaleAddress(email, tx, now);
    const user = await tx.user.create({
      data: { username: uniqueName("new"), email, passwordHash: "x" },
    });
    return { released, user };
  });
}

describe("an unverified account's hold on its address", () => {
  it("ends after 24 hours: a new registration takes the address and the old account goes", async () => {
    const email = freshAddress();
    const now = new Date();
    const squatter = await createAccount({
      email,
      verified: false,
      twoFactorMethod: null,
      createdAt: later(now, -DAY - 1000),
    });
    await db.accountCode.create({
      data: {
        userId: squatter.id,
        purpose: "verify_email",
        secretHash: `h-${squatter.id}`,
        email,
        expiresAt: now,
      },
    });
    expect(await isAddressTaken(email, now)).toBe(false);
    const { released, user } = await registerWith(email, now);
    expect(released).toBe(true);
    expect(user.email).toBe(email);
    expect(await db.user.findUnique({ where: { id: squatter.id } })).toBeNull();
    expect(await db.accountCode.count({ where: { userId: squatter.id } })).toBe(0);
  });

  it("holds for the first 24 hours", async () => {
    const email = freshAddress();
    const now = new Date();
    await createAccount({
      email,
      verified: false,
      twoFactorMethod: null,
      createdAt: later(now, -DAY + minutes(1)),
    });
    expect(await isAddressTaken(email, now)).toBe(true);
    await expect(registerWith(email, now)).rejects.toMatchObject({ code: "P2002" });
  });

  it("is never lost by a verified account, however old", async () => {
    const email = freshAddress();
    const now = new Date();
    const owner = await createAccount({ email, twoFactorMethod: null, createdAt: later(now, -30 * DAY) });
    expect(await isAddressTaken(email, now)).toBe(true);
    await expect(registerWith(email, now)).rejects.toMatchObject({ code: "P2002" });
    expect(await db.user.findUnique({ where: { id: owner.id } })).not.toBeNull();
  });

  it("is kept by an older unverified account that has a second factor (from before verification)", async () => {
    const email = freshAddress();
    const now = new Date();
    const owner = await createAccount({
      email,
      verified: false,
      twoFactorMethod: "totp",
      createdAt: later(now, -30 * DAY),
    });
    expect(await isAddressTaken(email, now)).toBe(true);
    await expect(registerWith(email, now)).rejects.toMatchObject({ code: "P2002" });
    expect(await db.user.findUnique({ where: { id: owner.id } })).not.toBeNull();
  });

  it("does not matter for a free address", async () => {
    const email = freshAddress();
    expect(await isAddressTaken(email)).toBe(false);
    const { released, user } = await registerWith(email);
    expect({ released, email: user.email }).toEqual({ released: false, email });
  });
});
