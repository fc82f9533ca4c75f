/** @jest-environment node */
import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import fc from "fast-check";
import { beginPasskeySignInAction, finishPasskeySignInAction } from "@/app/login/actions";
import { Browser } from "@/__tests__/kit/browsers";
import { freshIp } from "@/__tests__/kit/names";
import { watchOutbox } from "@/__tests__/kit/outbox";
import { createPasskeyUser } from "@/__tests__/kit/passkey-users";
import { form, runAction } from "@/__tests__/kit/request-scope";
import { SoftwareAuthenticator, type AuthenticatorKnobs } from "@/__tests__/kit/software-authenticator";
import { subject as newSignInSubject } from "@/emails/new-sign-in";
import { db } from "@/lib/server/platform/db";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);

const COULD_NOT = "This passkey could not sign you in. Try again, or sign in with your password.";
const NOT_VERIFIED =
  "Your passkey did not verify it was you (a PIN, fingerprint or face). Try again, or sign in with your password.";
const BINDING_COOKIE = "passkey-sign-in";

async function begin(browser: Browser): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const { result } = await browser.run(() => runAction(() => beginPasskeySignInAction({}, form({}))));
  if (result?.options?.ceremony !== "get") throw new Error(`no options: ${JSON.stringify(result)}`);
  return result.options.json;
}

const finish = (browser: Browser, response: unknown, callbackUrl = "/dashboard") =>
  browser.run(() =>
    runAction(() => finishPasskeySignInAction({}, form({ callbackUrl, response: JSON.stringify(response) }))),
  );

async function signInWith(
  browser: Browser,
  authenticator: SoftwareAuthenticator,
  knobs: AuthenticatorKnobs = {},
  callbackUrl = "/dashboard",
) {
  return finish(browser, authenticator.authenticate(await begin(browser), knobs), callbackUrl);
}

const sessionOf = (browser: Browser) =>
  [...browser.cookies.keys()].find((name) => name.includes("session-token"));
const codeBucket = (userId: string) => db.rateLimit.findUnique({ where: { key: `code:account:${userId}` } });
// An authenticator holding a credential this site never registered.
function unregisteredAuthenticator(): SoftwareAuthenticator {
  const stranger = new SoftwareAuthenticator();
  stranger.register({
    challenge: "AAAA",
    rp: { id: "localhost", name: "x" },
    user: { id: "c3RyYW5nZXI", name: "stranger", displayName: "stranger" },
    pubKeyCredParams: [{ type: "public-key", alg: -7 }],
  });
  return stranger;
}
const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

describe("signing in with a passkey alone", () => {
  it("signs in with a verified passkey: both factors met, the normal session, event, notice, known device", async () => {
    const user = await createPasskeyUser();
    const browser = new Browser(freshIp());
    const mailed = watchOutbox();
    const options = await begin(browser);
    expect(options.userVerification).toBe("required");
    expect(options.allowCredentials).toEqual([]);
    expect(browser.cookieOptions.get(BINDING_COOKIE)).toMatchObject({
      httpOnly: true,
      sameSite: "lax",
      path: "/login",
    });
    const { redirectedTo } = await finish(browser, user.authenticator.authenticate(options), "/token");
    expect(redirectedTo).toBe("/token");
    expect(sessionOf(browser)).toBeDefined();
    expect(browser.cookies.has(BINDING_COOKIE)).toBe(false);
    expect(browser.cookies.has("2fa-challenge")).toBe(false);
    expect(browser.cookies.has("known-device")).toBe(true);
    const challenge = await db.signInChallenge.findFirstOrThrow({ where: { userId: user.id } });
    expect(challenge).toMatchObject({
      purpose: "signin",
      verifiedAt: expect.any(Date),
      consumedAt: expect.any(Date),
    });
    const events = await db.securityEvent.findMany({ where: { userId: user.id, type: "sign_in" } });
    expect(events.map((event) => event.detail)).toEqual(["Passkey"]);
    expect(await codeBucket(user.id)).toBeNull();
    await settle();
    expect(
      mailed().filter((mail) => mail.subject === newSignInSubject && mail.to === user.email),
    ).toHaveLength(1);
  });

  it("signs in an account enrolled with a passkey, and a legacy account whose address was never verified", async () => {
    for (const user of [
      await createPasskeyUser({ method: "passkey" }),
      await createPasskeyUser({ verified: false }),
    ]) {
      const browser = new Browser(freshIp());
      expect((await signInWith(browser, user.authenticator)).redirectedTo).toBe("/dashboard");
      expect(sessionOf(browser)).toBeDefined();
    }
  });

  it("refuses a passkey without user verification, and counts it against the account", async () => {
    const user = await createPasskeyUser();
    const browser = new Browser(freshIp());
    const { result, redirectedTo } = await signInWith(browser, user.authenticator, { userVerified: false });
    expect(redirectedTo).toBeUndefined();
    expect(result?.message).toBe(NOT_VERIFIED);
    expect(sessionOf(browser)).toBeUndefined();
    expect(await db.signInChallenge.count({ where: { userId: user.id } })).toBe(0);
    expect((await codeBucket(user.id))?.count).toBe(1);
  });

  it("refuses an answer finished in another browser than the one that began it, leaving it to its own", async () => {
    const user = await createPasskeyUser();
    const mine = new Browser(freshIp());
    const theirs = new Browser(freshIp());
    const answer = user.authenticator.authenticate(await begin(mine));
    expect((await finish(theirs, answer)).result?.message).toBe(COULD_NOT);
    await begin(theirs);
    expect((await finish(theirs, answer)).result?.message).toBe(COULD_NOT);
    expect(sessionOf(theirs)).toBeUndefined();
    expect((await finish(mine, answer)).redirectedTo).toBe("/dashboard");
    // Used once.
    await begin(mine);
    expect((await finish(mine, answer)).result?.message).toBe(COULD_NOT);
  });

  it("refuses a removed passkey and one this site never registered", async () => {
    const user = await createPasskeyUser();
    const browser = new Browser(freshIp());
    const options = await begin(browser);
    await db.passkey.delete({ where: { id: user.passkeyId } });
    expect((await finish(browser, user.authenticator.authenticate(options))).result?.message).toBe(COULD_NOT);
    expect((await signInWith(browser, unregisteredAuthenticator())).result?.message).toBe(COULD_NOT);
    expect(sessionOf(browser)).toBeUndefined();
  });

  it("refuses a signature counter that went back, and records it", async () => {
    const user = await createPasskeyUser();
    expect((await signInWith(new Browser(freshIp()), user.authenticator, { counter: 20 })).redirectedTo).toBe(
      "/dashboard",
    );
    const browser = new Browser(freshIp());
    expect((await signInWith(browser, user.authenticator, { counter: 7 })).result?.message).toBe(COULD_NOT);
    expect(sessionOf(browser)).toBeUndefined();
    const refused = await db.securityEvent.findMany({ where: { userId: user.id, type: "passkey_refused" } });
    expect(refused.map((event) => event.detail)).toEqual(["signature counter went back"]);
  });

  it("refuses before checking the signature once the account's code limit is spent", async () => {
    const user = await createPasskeyUser();
    for (let i = 0; i < 10; i++) {
      const browser = new Browser(freshIp());
      await signInWith(browser, user.authenticator, { userVerified: false });
    }
    const browser = new Browser(freshIp());
    const options = await begin(browser);
    const { result } = await finish(browser, user.authenticator.authenticate(options));
    expect(result?.message).toMatch(/^Too many attempts. Try again in 1[45] minutes\.$/);
    expect(sessionOf(browser)).toBeUndefined();
    // The challenge was not used: nothing was checked.
    const open = await db.passkeyChallenge.findMany({
      where: { purpose: "signin", consumedAt: null, createdAt: { gte: new Date(Date.now() - 5000) } },
    });
    expect(open.length).toBeGreaterThanOrEqual(1);
  });

  it("allows 30 passkey sign-ins begun per IP per 15 minutes", async () => {
    const browser = new Browser(freshIp());
    for (let i = 0; i < 30; i++) await begin(browser);
    const { result } = await browser.run(() => runAction(() => beginPasskeySignInAction({}, form({}))));
    expect(result?.options).toBeUndefined();
    expect(result?.message).toMatch(/^Too many attempts. Try again in 1[45] minutes\.$/);
    // Another address is not affected.
    await begin(new Browser(freshIp()));
  });

  it("allows 30 passkey answers per IP per 15 minutes", async () => {
    const browser = new Browser(freshIp());
    const stranger = unregisteredAuthenticator();
    // Well-formed answers of a credential the site does not know (no account's limit is spent).
    const stale = async () => stranger.authenticate(await begin(browser));
    for (let i = 0; i < 30; i++)
      expect((await finish(browser, await stale())).result?.message).toBe(COULD_NOT);
    const { result } = await finish(
      browser,
      stranger.authenticate({ challenge: "c3RhbGU", rpId: "localhost" }),
    );
    expect(result?.message).toMatch(/^Too many attempts. Try again in 1[45] minutes\.$/);
  });

  it("sends an account without a factor to set one up, after verifying its address", async () => {
    for (const [verified, destination] of [
      [true, "/setup-2fa"],
      [false, "/verify-email"],
    ] as const) {
      const user = await createPasskeyUser({ verified });
      await db.user.update({ where: { id: user.id }, data: { twoFactorMethod: null } });
      const browser = new Browser(freshIp());
      expect((await signInWith(browser, user.authenticator)).redirectedTo).toBe(destination);
      expect(sessionOf(browser)).toBeUndefined();
      expect(await db.signInChallenge.findFirst({ where: { userId: user.id } })).toMatchObject({
        purpose: "enrol",
      });
    }
  });

  it("refuses an unreadable answer with a message", async () => {
    const browser = new Browser(freshIp());
    await begin(browser);
    for (const response of ["", "{", JSON.stringify({ id: "x", type: "public-key" })]) {
      const { result } = await browser.run(() =>
        runAction(() => finishPasskeySignInAction({}, form({ response }))),
      );
      expect(result?.errors?.response).toEqual(["The passkey's answer could not be read. Try again."]);
    }
  });

  it("answers well-formed answers with random parts with a refusal, never a throw or a session", async () => {
    const user = await createPasskeyUser();
    const b64 = fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString("base64url"));
    const clientData = fc.oneof(
      b64,
      fc
        .record({ type: fc.string(), challenge: fc.oneof(fc.string(), fc.integer()), origin: fc.string() })
        .map((data) => Buffer.from(JSON.stringify(data)).toString("base64url")),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          id: fc.oneof(
            b64.filter((id) => id.length > 0),
            fc.constant(user.authenticator.credentials[0].id.toString("base64url")),
          ),
          clientDataJSON: clientData,
          authenticatorData: b64,
          signature: b64,
          userHandle: fc.option(b64, { nil: undefined }),
        }),
        async ({ id, userHandle, ...parts }) => {
          const browser = new Browser(freshIp());
          await begin(browser);
          const answer = {
            id,
            rawId: id,
            type: "public-key",
            response: { ...parts, ...(userHandle === undefined ? {} : { userHandle }) },
            clientExtensionResults: {},
          };
          const { result, redirectedTo } = await finish(browser, answer);
          expect(redirectedTo).toBeUndefined();
          expect(result?.message).toEqual(expect.any(String));
          expect(sessionOf(browser)).toBeUndefined();
        },
      ),
      { numRuns: 40 },
    );
  });
});
