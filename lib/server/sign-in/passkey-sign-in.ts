import "server-only";
import { createHash, randomBytes } from "node:crypto";
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/server";
import { cookies } from "next/headers";
import { COOKIE_ATTRIBUTES, SECURE_COOKIES } from "@/lib/auth/cookie-attributes";
import { recordSecurityEvent } from "../accounts/events";
import { findPasskeyOwner } from "../factors/passkey-store";
import { finishPasskeyAuthentication, startPasskeyAuthentication } from "../factors/passkeys";
import { claimWindowTry } from "../platform/rate-limit";
import type { RequestContext } from "../platform/request-context";
import {
  LIMITS,
  PASSKEY_SIGN_IN,
  PASSKEY_SIGN_IN_MESSAGES,
  PASSKEY_SIGN_IN_REFUSED,
  retryMessage,
} from "../policy";
import { recordPasskeyRefusal, secondStepLimitKey } from "./second-step";

// A passkey as the whole sign-in (DESIGN.md §4; NIST SP 800-63B-4: a
// discoverable credential with user verification is both factors). No user
// is known when it begins, so the ceremony is bound to this browser by a
// random secret in an HttpOnly cookie; its challenge row keeps the secret's
// SHA-256 (PasskeyBinding.sessionId), and a finish from a browser without
// it is refused before any signature is checked. The cookie is sent only to
// /login, where both posts go; with a path it cannot be __Host-, so over
// https it is __Secure-.
const PATH = "/login";
const NAME = SECURE_COOKIES ? "__Secure-passkey-sign-in" : "passkey-sign-in";

const hashSecret = (secret: string): string => createHash("sha256").update(secret).digest("hex");

export async function beginPasskeySignIn(): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const secret = randomBytes(PASSKEY_SIGN_IN.browserSecretBytes).toString("base64url");
  const options = await startPasskeyAuthentication({ sessionId: hashSecret(secret) });
  (await cookies()).set(NAME, secret, {
    ...COOKIE_ATTRIBUTES,
    path: PATH,
    expires: new Date(Date.now() + PASSKEY_SIGN_IN.browserCookieMs),
  });
  return options;
}

export type PasskeySignInResult = { ok: true; userId: string } | { ok: false; message: string };

// Checks the passkey's answer. A try with a credential of a known account
// is counted against that account's code limit (`code:<subject>`, as its
// second step's codes are) before the signature is checked, and refused
// when the limit is spent; a success forgets them (acceptSecondStep).
export async function finishPasskeySignIn(
  response: AuthenticationResponseJSON,
  request: RequestContext,
): Promise<PasskeySignInResult> {
  const store = await cookies();
  const secret = store.get(NAME)?.value;
  if (!secret) return { ok: false, message: PASSKEY_SIGN_IN_MESSAGES.couldNotSignIn };
  const owner = await findPasskeyOwner(response.id);
  if (owner) {
    const verdict = await claimWindowTry(await secondStepLimitKey(owner), LIMITS.codesPerAccount);
    if (!verdict.ok) return { ok: false, message: retryMessage(verdict.retryAfterSeconds) };
  }
  const result = await finishPasskeyAuthentication(response, {
    requireUserVerification: true,
    sessionId: hashSecret(secret),
  });
  if (result.ok) {
    store.set(NAME, "", { ...COOKIE_ATTRIBUTES, path: PATH, maxAge: 0 });
    return { ok: true, userId: result.userId };
  }
  await recordPasskeyRefusal(result, request);
  // The account's owner sees a try with one of its passkeys that failed.
  if (result.userId && (result.reason === "verification failed" || result.reason === "user verification"))
    await recordSecurityEvent(
      result.userId,
      "passkey_refused",
      request,
      PASSKEY_SIGN_IN_REFUSED[result.reason],
    );
  return {
    ok: false,
    message:
      result.reason === "user verification"
        ? PASSKEY_SIGN_IN_MESSAGES.notVerified
        : PASSKEY_SIGN_IN_MESSAGES.couldNotSignIn,
  };
}
