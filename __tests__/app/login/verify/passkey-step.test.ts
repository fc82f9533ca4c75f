/** @jest-environment node */
import { loginAction } from "@/app/login/actions";
import { beginPasskeyStepAction, finishPasskeyStepAction, verifyAction } from "@/app/login/verify/actions";
import { freshIp } from "@/__tests__/kit/names";
import { watchOutbox } from "@/__tests__/kit/outbox";
import { addPasskey, createPasskeyUser } from "@/__tests__/kit/passkey-users";
import { browser, form, runAction } from "@/__tests__/kit/request-scope";
import { SoftwareAuthenticator, type AuthenticatorKnobs } from "@/__tests__/kit/software-authenticator";
import { createEnrolledUser, currentCode, type TestUser } from "@/__tests__/kit/users";
import { subject as newSignInSubject } from "@/emails/new-sign-in";
import { subject as partialSignInSubject } from "@/emails/partial-sign-in";
import { db } from "@/lib/server/platform/db";
import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/request-scope").nextHeaders);

const TRIES = (left: number) =>
  `That passkey could not be used for this account. ${left} ${left === 1 ? "try" : "tries"} left before you need to sign in again.`;

async function passPasswordStep(user: TestUser): Promise<void> {
  browser.reset(freshIp());
  const { redirectedTo } = await runAction(() =>
    loginAction({}, form({ identifier: user.username, password: user.password })),
  );
  expect(redirectedTo).toMatch(/^\/login\/verify/);
}

async function begin(callbackUrl = "/dashboard"): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const { result } = await runAction(() => beginPasskeyStepAction({}, form({ callbackUrl })));
  if (result?.options?.ceremony !== "get") throw new Error(`no options: ${JSON.stringify(result)}`);
  return result.options.json;
}

const finish = (response: unknown, callbackUrl = "/dashboard") =>
  runAction(() => finishPasskeyStepAction({}, form({ callbackUrl, response: JSON.stringify(response) })));

// One use of the passkey at this browser's pending sign-in.
async function signWithPasskey(
  authenticator: SoftwareAuthenticator,
  knobs: AuthenticatorKnobs = {},
  callbackUrl = "/dashboard",
) {
  return finish(authenticator.authenticate(await begin(callbackUrl), knobs), callbackUrl);
}

const sessionCookie = () => [...browser.cookies.keys()].find((name) => name.includes("session-token"));
const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

describe("a passkey as the second step at /login/verify", () => {
  it("completes the sign-in like a right code: session, challenge consumed, event, notice, known device", async () => {
    const user = await createPasskeyUser();
    await passPasswordStep(user);
    const mailed = watchOutbox();
    const { redirectedTo } = await signWithPasskey(user.authenticator, {}, "/token");
    expect(redirectedTo).toBe("/token");
    expect(sessionCookie()).toBeDefined();
    expect(browser.cookies.has("2fa-challenge")).toBe(false);
    expect(browser.cookies.has("known-device")).toBe(true);
    const challenge = await db.signInChallenge.findFirstOrThrow({ where: { userId: user.id } });
    expect(challenge.verifiedAt).not.toBeNull();
    expect(challenge.consumedAt).not.toBeNull();
    const events = await db.securityEvent.findMany({ where: { userId: user.id, type: "sign_in" } });
    expect(events.map((event) => event.detail)).toEqual(["Passkey"]);
    await settle();
    const notices = mailed().filter((mail) => mail.subject === newSignInSubject && mail.to === user.email);
    expect(notices).toHaveLength(1);
    expect(notices[0].text).toContain("Passkey");
  });

  it("offers only the account's own passkeys, bound to this sign-in", async () => {
    const user = await createPasskeyUser();
    await passPasswordStep(user);
    const options = await begin();
    expect(options.allowCredentials?.map((credential) => credential.id)).toEqual([
      user.authenticator.credentials[0].id.toString("base64url"),
    ]);
    const row = await db.passkeyChallenge.findFirstOrThrow({
      where: { userId: user.id, purpose: "second_step" },
      orderBy: { createdAt: "desc" },
    });
    const challenge = await db.signInChallenge.findFirstOrThrow({ where: { userId: user.id } });
    expect(row.signInChallengeId).toBe(challenge.id);
  });

  it("refuses to begin for an account without a passkey", async () => {
    const user = await createEnrolledUser();
    await passPasswordStep(user);
    const before = await db.passkeyChallenge.count({ where: { userId: user.id } });
    const { result } = await runAction(() => beginPasskeyStepAction({}, form({})));
    expect(result?.options).toBeUndefined();
    expect(result?.message).toBe("This account has no passkey. Use another way.");
    expect(await db.passkeyChallenge.count({ where: { userId: user.id } })).toBe(before);
  });

  it("counts another account's passkey as a wrong code, and the fifth voids the sign-in", async () => {
    const user = await createPasskeyUser();
    const other = await createPasskeyUser();
    await passPasswordStep(user);
    const passkeyOptionsBeforeVoiding = begin();
    const mailed = watchOutbox();
    for (let left = 4; left >= 1; left--) {
      const options = await begin();
      // The browser offers the other account's credential instead (discoverable, or forged).
      const foreign = other.authenticator.authenticate({ ...options, allowCredentials: [] });
      const { result, redirectedTo } = await finish(foreign);
      expect(redirectedTo).toBeUndefined();
      expect(result?.message).toBe(TRIES(left));
    }
    const last = other.authenticator.authenticate({ ...(await begin()), allowCredentials: [] });
    expect((await finish(last)).redirectedTo).toBe("/login?expired=1");
    // Voided: no new ceremony begins, and an answer to an earlier one fails.
    const earlier = await passkeyOptionsBeforeVoiding;
    expect((await runAction(() => beginPasskeyStepAction({}, form({})))).redirectedTo).toBe(
      "/login?expired=1",
    );
    expect((await finish(user.authenticator.authenticate(earlier))).redirectedTo).toBe("/login?expired=1");
    expect(sessionCookie()).toBeUndefined();
    const failed = await db.securityEvent.findMany({
      where: { userId: user.id, type: "sign_in_failed_code" },
    });
    expect(failed.map((event) => event.detail)).toEqual(Array(5).fill("Passkey"));
    expect(
      await db.securityEvent.count({ where: { userId: user.id, type: "sign_in_stopped_at_code" } }),
    ).toBe(1);
    expect(await db.securityEvent.count({ where: { userId: other.id } })).toBe(0);
    await settle();
    expect(
      mailed().filter((mail) => mail.subject === partialSignInSubject && mail.to === user.email),
    ).toHaveLength(1);
  });

  it("refuses a passkey challenge begun for another sign-in of the same account, as a wrong code", async () => {
    const user = await createPasskeyUser();
    await passPasswordStep(user);
    const otherOptions = await begin();
    await passPasswordStep(user);
    const { result, redirectedTo } = await finish(user.authenticator.authenticate(otherOptions));
    expect(redirectedTo).toBeUndefined();
    expect(result?.message).toBe(TRIES(4));
    expect(sessionCookie()).toBeUndefined();
    // This sign-in's own challenge still works.
    expect((await signWithPasskey(user.authenticator)).redirectedTo).toBe("/dashboard");
  });

  it("refuses a replayed answer", async () => {
    const user = await createPasskeyUser();
    await passPasswordStep(user);
    const answer = user.authenticator.authenticate(await begin());
    await passPasswordStep(user);
    await begin();
    expect((await finish(answer)).result?.message).toBe(TRIES(4));
  });

  it("refuses a passkey that was removed", async () => {
    const user = await createPasskeyUser();
    await passPasswordStep(user);
    const options = await begin();
    await db.passkey.delete({ where: { id: user.passkeyId } });
    const { result } = await finish(user.authenticator.authenticate(options));
    expect(result?.message).toBe(TRIES(4));
    expect(sessionCookie()).toBeUndefined();
  });

  it("refuses a signature counter that went back, and records it", async () => {
    const user = await createPasskeyUser();
    await passPasswordStep(user);
    expect((await signWithPasskey(user.authenticator, { counter: 10 })).redirectedTo).toBe("/dashboard");
    await passPasswordStep(user);
    const { result } = await signWithPasskey(user.authenticator, { counter: 5 });
    expect(result?.message).toBe(TRIES(4));
    expect(sessionCookie()).toBeUndefined();
    const refused = await db.securityEvent.findMany({ where: { userId: user.id, type: "passkey_refused" } });
    expect(refused.map((event) => event.detail)).toEqual(["signature counter went back"]);
    expect((await db.passkey.findUniqueOrThrow({ where: { id: user.passkeyId } })).counter).toBe(10);
  });

  it("accepts a second-step passkey without user verification", async () => {
    const user = await createPasskeyUser();
    await passPasswordStep(user);
    expect((await signWithPasskey(user.authenticator, { userVerified: false })).redirectedTo).toBe(
      "/dashboard",
    );
  });

  it("shares the account's limit of 10 wrong codes per 15 minutes with codes", async () => {
    const user = await createPasskeyUser();
    const stranger = new SoftwareAuthenticator();
    await addPasskey(await createEnrolledUser(), stranger);
    for (let round = 0; round < 2; round++) {
      await passPasswordStep(user);
      for (let i = 0; i < 4; i++) await verify({ method: "totp", code: "111111" });
      await finish(stranger.authenticate({ ...(await begin()), allowCredentials: [] }));
    }
    await passPasswordStep(user);
    const { result } = await signWithPasskey(user.authenticator);
    expect(result?.message).toMatch(/^Too many attempts. Try again in 1[45] minutes\.$/);
    expect(sessionCookie()).toBeUndefined();
    // A right code resets it after the window; here, a right passkey on a fresh account bucket.
    await db.rateLimit.deleteMany({ where: { key: `code:account:${user.id}` } });
    expect((await signWithPasskey(user.authenticator)).redirectedTo).toBe("/dashboard");
    expect(await db.rateLimit.findUnique({ where: { key: `code:account:${user.id}` } })).toBeNull();
  });

  it("refuses an unreadable answer with a message, counting nothing", async () => {
    const user = await createPasskeyUser();
    await passPasswordStep(user);
    const before = await db.signInChallenge.findFirstOrThrow({ where: { userId: user.id } });
    for (const response of ["", "not json", JSON.stringify({ id: "x" }), "A".repeat(20_000)]) {
      const { result, redirectedTo } = await runAction(() => finishPasskeyStepAction({}, form({ response })));
      expect(redirectedTo).toBeUndefined();
      expect(result?.errors?.response).toEqual(["The passkey's answer could not be read. Try again."]);
    }
    expect(await db.signInChallenge.findFirstOrThrow({ where: { userId: user.id } })).toEqual(before);
  });

  it("sends a browser without a pending sign-in back to /login", async () => {
    browser.reset(freshIp());
    expect((await runAction(() => beginPasskeyStepAction({}, form({})))).redirectedTo).toBe(
      "/login?expired=1",
    );
    expect((await finish({})).redirectedTo).toBe("/login?expired=1");
  });

  it("still takes the authenticator code of an account that has a passkey", async () => {
    const user = await createPasskeyUser();
    await passPasswordStep(user);
    const { redirectedTo } = await verify({ method: "totp", code: await currentCode(user.secret) });
    expect(redirectedTo).toBe("/dashboard");
  });
});

const verify = (fields: Record<string, string>) => runAction(() => verifyAction({}, form(fields)));
