/** @jest-environment node */
import { randomBytes } from "node:crypto";
import { db } from "@/lib/server/platform/db";
import {
  finishPasskeyAuthentication,
  finishPasskeyRegistration,
  listPasskeys,
  removePasskey,
  startPasskeyAuthentication,
  startPasskeyRegistration,
} from "@/lib/server/factors/passkeys";
import { SoftwareAuthenticator } from "@/__tests__/kit/software-authenticator";
import { uniqueName } from "@/__tests__/kit/names";

afterAll(async () => {
  await db.$disconnect();
});

type User = { id: string; username: string };

// An account whose emailed codes are its factor, so that its passkeys may be removed.
async function createUser(): Promise<User> {
  const username = uniqueName("pk");
  return db.user.create({
    data: { username, email: `${username}@example.test`, passwordHash: "x", twoFactorMethod: "email" },
    select: { id: true, username: true },
  });
}

// A pending sign-in of the account, as /login makes after the password.
async function pendingSignIn(userId: string): Promise<string> {
  const row = await db.signInChallenge.create({
    data: {
      tokenHash: randomBytes(32).toString("hex"),
      userId,
      purpose: "signin",
      expiresAt: new Date(Date.now() + 5 * 60_000),
    },
  });
  return row.id;
}

async function register(user: User, authenticator = new SoftwareAuthenticator()): Promise<string> {
  const response = authenticator.register(await startPasskeyRegistration(user));
  const result = await finishPasskeyRegistration(user, response, "Laptop");
  if (!result.ok) throw new Error(`registration refused: ${result.reason}`);
  return result.passkey.id;
}

describe("passkey registration and authentication", () => {
  it("registers a passkey, then accepts it as the second step and as the whole sign-in", async () => {
    const user = await createUser();
    const authenticator = new SoftwareAuthenticator();
    const passkeyId = await register(user, authenticator);
    expect(await listPasskeys(user.id)).toEqual([
      expect.objectContaining({
        id: passkeyId,
        name: "Laptop",
        transports: ["internal", "hybrid"],
        lastUsedAt: null,
      }),
    ]);

    const signInChallengeId = await pendingSignIn(user.id);
    const binding = { userId: user.id, signInChallengeId };
    const secondStep = authenticator.authenticate(await startPasskeyAuthentication(binding));
    expect(
      await finishPasskeyAuthentication(secondStep, { ...binding, requireUserVerification: false }),
    ).toEqual({
      ok: true,
      userId: user.id,
      passkeyId,
    });

    const options = await startPasskeyAuthentication();
    expect(options.allowCredentials).toEqual([]);
    expect(options.userVerification).toBe("required");
    const whole = authenticator.authenticate(options);
    expect(await finishPasskeyAuthentication(whole, { requireUserVerification: true })).toEqual({
      ok: true,
      userId: user.id,
      passkeyId,
    });
    const stored = await db.passkey.findUniqueOrThrow({ where: { id: passkeyId } });
    expect(stored.counter).toBe(3);
    expect(stored.lastUsedAt).toBeInstanceOf(Date);
  });

  it("asks for a resident key with user verification, RP ID and origin from APP_URL", async () => {
    const user = await createUser();
    const options = await startPasskeyRegistration(user);
    expect(options.rp.id).toBe("localhost");
    expect(options.authenticatorSelection).toMatchObject({
      residentKey: "required",
      userVerification: "required",
    });
    const response = new SoftwareAuthenticator().register(options);
    const result = await finishPasskeyRegistration(user, response, "Phone");
    expect(result.ok).toBe(true);
  });

  it("refuses a registration finished outside the session or enrolment it began in", async () => {
    const user = await createUser();
    const authenticator = new SoftwareAuthenticator();
    const response = authenticator.register(await startPasskeyRegistration(user, { sessionId: "session-1" }));
    expect(await finishPasskeyRegistration(user, response, "A", { sessionId: "session-2" })).toEqual({
      ok: false,
      reason: "challenge",
    });
    expect(await finishPasskeyRegistration(user, response, "A")).toEqual({ ok: false, reason: "challenge" });
    expect((await finishPasskeyRegistration(user, response, "A", { sessionId: "session-1" })).ok).toBe(true);
  });

  it("refuses a replayed registration and a replayed authentication", async () => {
    const user = await createUser();
    const authenticator = new SoftwareAuthenticator();
    const response = authenticator.register(await startPasskeyRegistration(user));
    expect((await finishPasskeyRegistration(user, response, "A")).ok).toBe(true);
    expect(await finishPasskeyRegistration(user, response, "A")).toEqual({ ok: false, reason: "challenge" });

    const assertion = authenticator.authenticate(await startPasskeyAuthentication({ userId: user.id }));
    const options = { userId: user.id, requireUserVerification: true };
    expect((await finishPasskeyAuthentication(assertion, options)).ok).toBe(true);
    expect(await finishPasskeyAuthentication(assertion, options)).toEqual({ ok: false, reason: "challenge" });
  });

  it("refuses a challenge made for another sign-in, another user or another purpose", async () => {
    const user = await createUser();
    const other = await createUser();
    const authenticator = new SoftwareAuthenticator();
    await register(user, authenticator);

    const mine = await pendingSignIn(user.id);
    const theirs = await pendingSignIn(user.id);
    const assertion = authenticator.authenticate(
      await startPasskeyAuthentication({ userId: user.id, signInChallengeId: theirs }),
    );
    const wrongSignIn = { userId: user.id, signInChallengeId: mine, requireUserVerification: false };
    expect(await finishPasskeyAuthentication(assertion, wrongSignIn)).toEqual({
      ok: false,
      reason: "challenge",
    });
    // Passwordless challenges are not second steps, and the other way round.
    expect(await finishPasskeyAuthentication(assertion, { requireUserVerification: true })).toEqual({
      ok: false,
      reason: "challenge",
    });
    // Refused without being used up: the browser it belongs to still completes with it.
    const right = { userId: user.id, signInChallengeId: theirs, requireUserVerification: false };
    expect((await finishPasskeyAuthentication(assertion, right)).ok).toBe(true);

    const registration = new SoftwareAuthenticator().register(await startPasskeyRegistration(user));
    expect(await finishPasskeyRegistration(other, registration, "B")).toEqual({
      ok: false,
      reason: "challenge",
    });
    expect(await db.passkey.count({ where: { userId: other.id } })).toBe(0);
  });

  it("refuses an expired challenge", async () => {
    const user = await createUser();
    const authenticator = new SoftwareAuthenticator();
    await register(user, authenticator);
    const assertion = authenticator.authenticate(await startPasskeyAuthentication({ userId: user.id }));
    await db.passkeyChallenge.updateMany({
      where: { userId: user.id, consumedAt: null },
      data: { expiresAt: new Date(Date.now() - 1) },
    });
    expect(
      await finishPasskeyAuthentication(assertion, { userId: user.id, requireUserVerification: false }),
    ).toEqual({ ok: false, reason: "challenge" });
  });

  it("refuses responses made on another origin or for another RP ID", async () => {
    const user = await createUser();
    for (const knobs of [{ origin: "https://evil.example" }, { rpId: "evil.example" }]) {
      const response = new SoftwareAuthenticator().register(await startPasskeyRegistration(user), knobs);
      expect(await finishPasskeyRegistration(user, response, "X")).toEqual({
        ok: false,
        reason: "verification failed",
      });
    }
    expect(await db.passkey.count({ where: { userId: user.id } })).toBe(0);

    const authenticator = new SoftwareAuthenticator();
    const passkeyId = await register(user, authenticator);
    for (const knobs of [{ origin: "http://localhost:3001" }, { rpId: "evil.example" }]) {
      const assertion = authenticator.authenticate(
        await startPasskeyAuthentication({ userId: user.id }),
        knobs,
      );
      expect(
        await finishPasskeyAuthentication(assertion, { userId: user.id, requireUserVerification: false }),
      ).toEqual({ ok: false, reason: "verification failed", userId: user.id, passkeyId });
    }
  });

  it("refuses a registration whose reported credential ID is not the authenticator's", async () => {
    const user = await createUser();
    const response = new SoftwareAuthenticator().register(await startPasskeyRegistration(user));
    const otherId = randomBytes(16).toString("base64url");
    const renamed = { ...response, id: otherId, rawId: otherId };
    expect(await finishPasskeyRegistration(user, renamed, "X")).toEqual({
      ok: false,
      reason: "verification failed",
    });
    expect(await db.passkey.count({ where: { userId: user.id } })).toBe(0);
  });

  it("refuses a signature counter that goes back or stands still, naming the passkey", async () => {
    const user = await createUser();
    const authenticator = new SoftwareAuthenticator();
    const passkeyId = await register(user, authenticator);
    const use = async (counter: number) =>
      finishPasskeyAuthentication(
        authenticator.authenticate(await startPasskeyAuthentication({ userId: user.id }), { counter }),
        { userId: user.id, requireUserVerification: false },
      );
    expect((await use(5)).ok).toBe(true);
    const refused = { ok: false, reason: "counter", userId: user.id, passkeyId };
    expect(await use(3)).toEqual(refused);
    expect(await use(5)).toEqual(refused);
    expect((await db.passkey.findUniqueOrThrow({ where: { id: passkeyId } })).counter).toBe(5);
    expect((await use(6)).ok).toBe(true);
  });

  it("accepts an authenticator that keeps no counter (always 0)", async () => {
    const user = await createUser();
    const authenticator = new SoftwareAuthenticator();
    const response = authenticator.register(await startPasskeyRegistration(user), {
      counter: 0,
      backedUp: true,
    });
    const registered = await finishPasskeyRegistration(user, response, "Synced");
    expect(registered).toMatchObject({ ok: true, passkey: { deviceType: "multiDevice", backedUp: true } });
    for (let i = 0; i < 2; i++) {
      const assertion = authenticator.authenticate(await startPasskeyAuthentication({ userId: user.id }), {
        counter: 0,
        backedUp: true,
      });
      const result = await finishPasskeyAuthentication(assertion, {
        userId: user.id,
        requireUserVerification: true,
      });
      expect(result.ok).toBe(true);
    }
  });

  it("refuses a passkey without user verification where it is required, and always as the whole sign-in", async () => {
    const user = await createUser();
    const unverified = new SoftwareAuthenticator().register(await startPasskeyRegistration(user), {
      userVerified: false,
    });
    expect(await finishPasskeyRegistration(user, unverified, "X")).toEqual({
      ok: false,
      reason: "user verification",
    });
    expect(await db.passkey.count({ where: { userId: user.id } })).toBe(0);

    const authenticator = new SoftwareAuthenticator();
    const passkeyId = await register(user, authenticator);
    const noUv = { userVerified: false };
    const secondStep = async (requireUserVerification: boolean) =>
      finishPasskeyAuthentication(
        authenticator.authenticate(await startPasskeyAuthentication({ userId: user.id }), noUv),
        { userId: user.id, requireUserVerification },
      );
    const refused = { ok: false, reason: "user verification", userId: user.id, passkeyId };
    expect(await secondStep(true)).toEqual(refused);
    expect((await secondStep(false)).ok).toBe(true);
    const whole = authenticator.authenticate(await startPasskeyAuthentication(), noUv);
    expect(await finishPasskeyAuthentication(whole, { requireUserVerification: false })).toEqual(refused);
  });

  it("refuses a removed credential, and another account's credential as this account's second step", async () => {
    const user = await createUser();
    const other = await createUser();
    const removed = new SoftwareAuthenticator();
    const removedId = await register(user, removed);
    await register(user);
    expect(await removePasskey(user.id, removedId)).toEqual({ ok: true });
    const assertion = removed.authenticate(await startPasskeyAuthentication());
    expect(await finishPasskeyAuthentication(assertion, { requireUserVerification: true })).toEqual({
      ok: false,
      reason: "unknown credential",
    });

    const theirs = new SoftwareAuthenticator();
    await register(other, theirs);
    const options = await startPasskeyAuthentication({ userId: user.id });
    const foreign = theirs.authenticate({ ...options, allowCredentials: [] });
    expect(
      await finishPasskeyAuthentication(foreign, { userId: user.id, requireUserVerification: false }),
    ).toEqual({
      ok: false,
      reason: "unknown credential",
      userId: user.id,
    });
  });

  it("refuses a whole sign-in whose user handle names another account than the credential's", async () => {
    const user = await createUser();
    const other = await createUser();
    const authenticator = new SoftwareAuthenticator();
    await register(user, authenticator);
    const assertion = authenticator.authenticate(await startPasskeyAuthentication());
    const userHandle = Buffer.from(other.id, "utf8").toString("base64url");
    const swapped = { ...assertion, response: { ...assertion.response, userHandle } };
    expect(await finishPasskeyAuthentication(swapped, { requireUserVerification: true })).toEqual({
      ok: false,
      reason: "unknown credential",
    });
  });

  it("lists the account's passkeys in excludeCredentials, so one authenticator is registered once", async () => {
    const user = await createUser();
    const authenticator = new SoftwareAuthenticator();
    await register(user, authenticator);
    const [held] = authenticator.credentials;
    const options = await startPasskeyRegistration(user);
    expect(options.excludeCredentials).toEqual([
      { id: held?.id.toString("base64url"), type: "public-key", transports: ["internal", "hybrid"] },
    ]);
    expect(() => authenticator.register(options)).toThrow("InvalidStateError");
    const second = await finishPasskeyRegistration(
      user,
      new SoftwareAuthenticator().register(options),
      "Key",
    );
    expect(second.ok).toBe(true);
  });

  it("lets exactly one of 20 parallel finishes of one challenge through", async () => {
    const user = await createUser();
    const registration = new SoftwareAuthenticator().register(await startPasskeyRegistration(user));
    const registrations = await Promise.all(
      Array.from({ length: 20 }, () => finishPasskeyRegistration(user, registration, "Race")),
    );
    expect(registrations.filter((result) => result.ok)).toHaveLength(1);
    expect(await db.passkey.count({ where: { userId: user.id } })).toBe(1);

    const authenticator = new SoftwareAuthenticator();
    await register(user, authenticator);
    const assertion = authenticator.authenticate(await startPasskeyAuthentication({ userId: user.id }));
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        finishPasskeyAuthentication(assertion, { userId: user.id, requireUserVerification: true }),
      ),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.filter((result) => !result.ok && result.reason === "challenge")).toHaveLength(19);
  });

  it("refuses junk in place of a response without throwing", async () => {
    const user = await createUser();
    const junk = JSON.parse('{"id":"x","rawId":"x","type":"public-key","response":{"clientDataJSON":"%%"}}');
    expect(await finishPasskeyRegistration(user, junk, "X")).toEqual({ ok: false, reason: "challenge" });
    expect(await finishPasskeyAuthentication(junk, { requireUserVerification: true })).toEqual({
      ok: false,
      reason: "challenge",
    });
    const options = await startPasskeyAuthentication();
    const forged = {
      ...junk,
      response: {
        clientDataJSON: Buffer.from(
          JSON.stringify({ type: "webauthn.get", challenge: options.challenge }),
        ).toString("base64url"),
        authenticatorData: "AA",
        signature: "AA",
      },
    };
    expect(await finishPasskeyAuthentication(forged, { requireUserVerification: true })).toEqual({
      ok: false,
      reason: "unknown credential",
    });
  });
});
