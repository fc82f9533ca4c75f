"use server";

import { redirect } from "next/navigation";
import { safeCallbackPath } from "@/lib/auth/routes";
import { findUserByIdentifier, getUserById, replacePasswordHash } from "@/lib/server/accounts/accounts";
import { completeSignIn } from "@/app/_components/complete-sign-in";
import { createChallenge, getPendingChallenge } from "@/lib/server/sign-in/challenge";
import { recordSecurityEvent } from "@/lib/server/accounts/events";
import { passwordLimitSubject } from "@/lib/server/sign-in/known-device";
import {
  hashPassword,
  passwordChecksBusy,
  passwordNeedsRehash,
  passwordSteps,
  verifyPassword,
  verifyPasswordForUnknownUser,
} from "@/lib/server/accounts/password";
import { claimTries, claimWindowTry } from "@/lib/server/platform/rate-limit";
import {
  keys,
  LIMITS,
  MESSAGES,
  PASSKEY_SIGN_IN,
  PASSKEY_SIGN_IN_MESSAGES,
  passkeySignInKeys,
  retryMessage,
} from "@/lib/server/policy";
import { formAction } from "@/lib/server/sign-in/action";
import { beginPasskeySignIn, finishPasskeySignIn } from "@/lib/server/sign-in/passkey-sign-in";
import { acceptSecondStep } from "@/lib/server/sign-in/second-step";
import { loginSchema } from "@/lib/validations/auth";
import { formValue, type FormState } from "@/lib/validations/form-state";
import { finishAuthenticationSchema, type PasskeyState } from "@/lib/validations/passkeys";

// Its limits are claimed in `run`: the first is refused, before anything is
// counted, while the hasher is busy, and the last two need the account.
export async function loginAction(previous: FormState, formData: FormData): Promise<FormState> {
  return formAction({
    guard: "none",
    path: "/login",
    schema: loginSchema,
    values: ["identifier"],
    queue: { work: passwordSteps, busyMessage: MESSAGES.passwordChecksBusy },
    run: async ({ data: { identifier, password }, formData, request }): Promise<FormState> => {
      // Refused before anything is counted or written: nothing was tried.
      if (passwordChecksBusy()) return { message: MESSAGES.passwordChecksBusy };

      // Every limit is checked, and the try counted, before any hashing: steps
      // whatever their outcome, then failures; one transaction.
      // Limits belong to the typed name, so unknown names get the same ones and
      // an account's username and email tell nothing about each other; a
      // browser the account signed in from before has limits of its own.
      const user = await findUserByIdentifier(identifier);
      const subject = await passwordLimitSubject(identifier, user?.id ?? null);
      const ipKey = keys.passwordPerIp(request.ip);
      const failuresKey = keys.passwordFailures(subject);
      const verdict = await claimTries([
        { key: keys.passwordStepsPerIp(request.ip), limit: LIMITS.passwordStepsPerIp },
        { key: ipKey, limit: LIMITS.passwordPerIp },
        { key: keys.passwordSteps(subject), limit: LIMITS.passwordStepsPerName },
        { key: failuresKey, delayed: true },
      ]);
      if (!verdict.ok) return { message: retryMessage(verdict.retryAfterSeconds) };

      const valid = user
        ? await verifyPassword(user.passwordHash, password)
        : await verifyPasswordForUnknownUser(password);
      if (!user || !valid) {
        // Recorded for unknown names too (without the name, which may be a
        // mistyped password), so both answers do the same work and take the same
        // time (ASVS 6.3.8).
        await recordSecurityEvent(user?.id ?? null, "sign_in_failed_password", request);
        return { message: MESSAGES.invalidCredentials };
      }

      // Imported bcrypt hashes (and older argon2 settings) are upgraded now.
      if (passwordNeedsRehash(user.passwordHash))
        await replacePasswordHash(user.id, await hashPassword(password));

      // The success forgets the name's failures and gives the IP its try back,
      // committed with the challenge.
      const forgetTries = [{ reset: failuresKey }, { release: ipKey }];
      if (!user.twoFactorMethod) {
        await createChallenge(user.id, "enrol", request, forgetTries);
        // DESIGN.md §4: an unverified account proves its address before anything else.
        redirect(user.emailVerifiedAt ? "/setup-2fa" : "/verify-email");
      }
      await createChallenge(user.id, "signin", request, forgetTries);
      const callbackUrl = safeCallbackPath(formValue(formData, "callbackUrl"));
      redirect(`/login/verify?callbackUrl=${encodeURIComponent(callbackUrl)}`);
    },
  })(previous, formData);
}

// "Sign in with a passkey", first post: options for any passkey of this
// site, with user verification, bound to this browser.
export async function beginPasskeySignInAction(
  previous: PasskeyState,
  formData: FormData,
): Promise<PasskeyState> {
  return formAction({
    guard: "none",
    path: "/login",
    limits: async ({ request }) =>
      claimWindowTry(passkeySignInKeys.begins(request.ip), PASSKEY_SIGN_IN.perIp),
    run: async (): Promise<PasskeyState> => ({
      options: { ceremony: "get", json: await beginPasskeySignIn() },
    }),
  })(previous, formData);
}

// Second post: a verified passkey is both factors. The account then goes
// where its password would have sent it; one that can sign in gets a
// pending sign-in, verified at once, and the second step's ending.
export async function finishPasskeySignInAction(
  previous: PasskeyState,
  formData: FormData,
): Promise<PasskeyState> {
  return formAction({
    guard: "none",
    path: "/login",
    schema: finishAuthenticationSchema,
    limits: async ({ request }) =>
      claimWindowTry(passkeySignInKeys.finishes(request.ip), PASSKEY_SIGN_IN.perIp),
    run: async ({ data: { response }, formData, request }): Promise<PasskeyState> => {
      const result = await finishPasskeySignIn(response, request);
      if (!result.ok) return { message: result.message };
      const user = await getUserById(result.userId);
      if (!user) return { message: PASSKEY_SIGN_IN_MESSAGES.couldNotSignIn };
      if (!user.twoFactorMethod) {
        await createChallenge(user.id, "enrol", request);
        // DESIGN.md §4: an unverified account proves its address before anything else.
        redirect(user.emailVerifiedAt ? "/setup-2fa" : "/verify-email");
      }
      await createChallenge(user.id, "signin", request);
      const challenge = await getPendingChallenge("signin");
      if (!challenge) redirect("/login?expired=1");
      const destination = await acceptSecondStep({
        challenge,
        method: "passkey",
        request,
        callbackUrl: formValue(formData, "callbackUrl"),
      });
      return completeSignIn(destination);
    },
  })(previous, formData);
}
