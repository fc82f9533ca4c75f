/** @jest-environment node */
import { createHash } from "node:crypto";
import { db } from "@/lib/server/platform/db";
import { PASSKEYS } from "@/lib/server/policy";
import {
  challengeOf,
  consumePasskeyChallenge,
  issuePasskeyChallenge,
  relyingParty,
} from "@/lib/server/factors/passkey-challenges";
import { uniqueName } from "@/__tests__/kit/names";

afterAll(async () => {
  await db.$disconnect();
});

async function createUser(): Promise<string> {
  const username = uniqueName("pc");
  const user = await db.user.create({
    data: { username, email: `${username}@example.test`, passwordHash: "x" },
  });
  return user.id;
}

const encoded = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64url");

describe("relyingParty", () => {
  it("takes the RP ID and the expected origin from APP_URL", () => {
    expect(relyingParty()).toEqual({ rpID: "localhost", origin: "http://localhost:3000" });
  });
});

describe("issuePasskeyChallenge", () => {
  it("makes 256 random bits that live 5 minutes and stores only their SHA-256", async () => {
    const userId = await createUser();
    const before = Date.now();
    const { challenge, id } = await issuePasskeyChallenge("register", { userId });
    expect(challenge).toHaveLength(32);
    const row = await db.passkeyChallenge.findUniqueOrThrow({ where: { id } });
    expect(row.challengeHash).toBe(createHash("sha256").update(encoded(challenge)).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(encoded(challenge));
    expect(row.expiresAt.getTime() - before).toBeGreaterThanOrEqual(PASSKEYS.challengeMs);
    expect(row.expiresAt.getTime() - before).toBeLessThan(PASSKEYS.challengeMs + 5_000);
  });

  it("sweeps expired challenges", async () => {
    const { id } = await issuePasskeyChallenge("signin", {});
    await db.passkeyChallenge.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1) } });
    await issuePasskeyChallenge("signin", {});
    expect(await db.passkeyChallenge.count({ where: { id } })).toBe(0);
  });
});

describe("consumePasskeyChallenge", () => {
  it("hands a challenge out once, to its own purpose and binding only", async () => {
    const userId = await createUser();
    const { challenge } = await issuePasskeyChallenge("second_step", { userId });
    const value = encoded(challenge);
    expect(await consumePasskeyChallenge(value, "signin", {})).toBeNull();
    expect(await consumePasskeyChallenge(value, "second_step", { userId: await createUser() })).toBeNull();
    expect(await consumePasskeyChallenge(value, "register", { userId })).toBeNull();
    expect(await consumePasskeyChallenge(value, "second_step", { userId })).toEqual({
      id: expect.any(String),
      userId,
    });
    expect(await consumePasskeyChallenge(value, "second_step", { userId })).toBeNull();
  });

  it("refuses an expired challenge and one it never made", async () => {
    const { challenge, id } = await issuePasskeyChallenge("signin", {});
    await db.passkeyChallenge.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1) } });
    expect(await consumePasskeyChallenge(encoded(challenge), "signin", {})).toBeNull();
    expect(await consumePasskeyChallenge("never-issued", "signin", {})).toBeNull();
  });

  it("goes away with its user and with its pending sign-in", async () => {
    const userId = await createUser();
    const { id } = await issuePasskeyChallenge("register", { userId });
    const signIn = await db.signInChallenge.create({
      data: {
        tokenHash: uniqueName("t"),
        userId: await createUser(),
        purpose: "signin",
        expiresAt: new Date(),
      },
    });
    const second = await issuePasskeyChallenge("second_step", {
      userId: signIn.userId,
      signInChallengeId: signIn.id,
    });
    await db.user.delete({ where: { id: userId } });
    await db.signInChallenge.delete({ where: { id: signIn.id } });
    expect(await db.passkeyChallenge.count({ where: { id: { in: [id, second.id] } } })).toBe(0);
  });
});

describe("challengeOf", () => {
  it("reads the challenge out of a clientDataJSON and nothing out of junk", () => {
    const clientData = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");
    expect(challengeOf(clientData({ type: "webauthn.get", challenge: "abc" }))).toBe("abc");
    expect(challengeOf(clientData({ challenge: 7 }))).toBeNull();
    expect(challengeOf(clientData(null))).toBeNull();
    expect(challengeOf("%%%")).toBeNull();
    expect(challengeOf(undefined)).toBeNull();
    expect(challengeOf("a".repeat(5000))).toBeNull();
  });
});
