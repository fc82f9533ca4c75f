/** @jest-environment node */
import { createHash } from "node:crypto";
import { Browser } from "@/__tests__/kit/browsers";
import { freshIp } from "@/__tests__/kit/names";
import { createPasskeyUser } from "@/__tests__/kit/passkey-users";
import { db } from "@/lib/server/platform/db";
import { beginPasskeySignIn, finishPasskeySignIn } from "@/lib/server/sign-in/passkey-sign-in";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);

const request = { ip: "198.51.100.31", userAgent: "jest" };
const COOKIE = "passkey-sign-in";

describe("beginPasskeySignIn", () => {
  it("asks for any passkey with user verification, bound to this browser by a cookie whose secret is stored only hashed", async () => {
    const browser = new Browser(freshIp());
    const options = await browser.run(() => beginPasskeySignIn());
    expect(options).toMatchObject({ rpId: "localhost", userVerification: "required", allowCredentials: [] });
    const secret = browser.cookies.get(COOKIE) as string;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookie = browser.cookieOptions.get(COOKIE) as Record<string, unknown>;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "lax", path: "/login" });
    expect(new Date(cookie.expires as Date).getTime()).toBeLessThanOrEqual(Date.now() + 5 * 60_000);
    const hash = createHash("sha256").update(options.challenge).digest("hex");
    const row = await db.passkeyChallenge.findUniqueOrThrow({ where: { challengeHash: hash } });
    expect(row).toMatchObject({
      purpose: "signin",
      userId: null,
      signInChallengeId: null,
      sessionId: createHash("sha256").update(secret).digest("hex"),
    });
  });
});

describe("finishPasskeySignIn", () => {
  it("names the account of a verified passkey and forgets the cookie", async () => {
    const user = await createPasskeyUser();
    const browser = new Browser(freshIp());
    const answer = user.authenticator.authenticate(await browser.run(() => beginPasskeySignIn()));
    expect(await browser.run(() => finishPasskeySignIn(answer, request))).toEqual({
      ok: true,
      userId: user.id,
    });
    expect(browser.cookies.has(COOKIE)).toBe(false);
  });

  it("refuses without the cookie, or with another browser's, leaving the challenge to its own browser", async () => {
    const user = await createPasskeyUser();
    const mine = new Browser(freshIp());
    const answer = user.authenticator.authenticate(await mine.run(() => beginPasskeySignIn()));
    const refusal = {
      ok: false,
      message: "This passkey could not sign you in. Try again, or sign in with your password.",
    };
    const bare = new Browser(freshIp());
    expect(await bare.run(() => finishPasskeySignIn(answer, request))).toEqual(refusal);
    bare.cookies.set(COOKIE, "A".repeat(43));
    expect(await bare.run(() => finishPasskeySignIn(answer, request))).toEqual(refusal);
    expect(await mine.run(() => finishPasskeySignIn(answer, request))).toEqual({ ok: true, userId: user.id });
  });

  it("says when the passkey did not verify the user, and counts the try against the account", async () => {
    const user = await createPasskeyUser();
    const browser = new Browser(freshIp());
    const options = await browser.run(() => beginPasskeySignIn());
    const answer = user.authenticator.authenticate(options, { userVerified: false });
    expect(await browser.run(() => finishPasskeySignIn(answer, request))).toEqual({
      ok: false,
      message:
        "Your passkey did not verify it was you (a PIN, fingerprint or face). Try again, or sign in with your password.",
    });
    expect(await db.rateLimit.findUnique({ where: { key: `code:account:${user.id}` } })).toMatchObject({
      count: 1,
    });
    const events = await db.securityEvent.findMany({
      where: { userId: user.id },
      select: { type: true, detail: true },
    });
    expect(events).toEqual([
      { type: "passkey_refused", detail: "sign-in with a passkey: the user was not verified" },
    ]);
  });
});
