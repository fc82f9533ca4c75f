import "server-only";
import {
  EMAIL_CODE_TTL_MINUTES,
  MAX_CHALLENGE_FAILURES,
  PARTIAL_SIGN_IN_NOTICE_AFTER,
} from "@/lib/policy-constants";

// Every limit, lifetime, rate-limit key and user-facing message of the server
// in one place (docs/ARCHITECTURE.md "Where state lives"). Messages that zod
// schemas carry stay in lib/validations/; numbers that pages and emails show
// live in lib/policy-constants.ts, re-exported here.
export {
  ACCESS_TOKEN_MAX_LENGTH,
  EMAIL_CODE_TTL_MINUTES,
  MAX_CHALLENGE_FAILURES,
  PARTIAL_SIGN_IN_NOTICE_AFTER,
  RECOVERY_CODE_COUNT,
} from "@/lib/policy-constants";

export type WindowLimit = { readonly max: number; readonly windowMs: number };

const MINUTE = 60_000;

// Fixed-window limits (claimWindowTry, countTowardNotice).
export const LIMITS = {
  // README.md "Security rules": at most 20 failed passwords per IP per 15 minutes.
  passwordPerIp: { max: 20, windowMs: 15 * MINUTE },
  // Password steps whatever their outcome, so that right passwords cannot
  // flood the hasher either; a person signs in a few times a minute at most.
  // Per typed name (or known browser), never per account: an account has two
  // names, and a limit they shared would tell that they belong together.
  passwordStepsPerName: { max: 10, windowMs: MINUTE },
  passwordStepsPerIp: { max: 30, windowMs: MINUTE },
  // README.md "Security rules": at most 10 wrong second-factor codes per
  // account per 15 minutes.
  codesPerAccount: { max: 10, windowMs: 15 * MINUTE },
  registrationsPerIp: { max: 10, windowMs: 60 * MINUTE },
  // ASVS 6.3.5: wrong codes after a right password, counted per account
  // across sign-ins; the owner is emailed when they reach `max`, once a window.
  partialSignInNotice: { max: PARTIAL_SIGN_IN_NOTICE_AFTER, windowMs: 24 * 60 * MINUTE },
  // README.md "Email" (emailed sign-in codes): at most 3 sent per 15 minutes
  // per account.
  emailCodeSendsPerAccount: { max: 3, windowMs: 15 * MINUTE },
  // Per IP, for the JSON API: generous for scripts, tight for guessing.
  apiPerIp: { max: 60, windowMs: MINUTE },
  tokenEmailsPerAccount: { max: 3, windowMs: 15 * MINUTE },
  tokenIssuesPerAccount: { max: 30, windowMs: 15 * MINUTE },
} as const satisfies Record<string, WindowLimit>;

// README.md "Security rules": after 5 consecutive failures, each further try
// waits a delay that doubles from 30 seconds up to 15 minutes. No permanent
// lockout (SECURITY.md "Threat model": credential stuffers).
export const FAILURE_DELAYS = {
  freeFailures: 5,
  firstDelayMs: 30_000,
  maxDelayMs: 15 * MINUTE,
  // A run of failures older than this is forgotten.
  quietResetMs: 24 * 60 * MINUTE,
} as const;

export const LIFETIMES = {
  // README.md "Security rules": a pending sign-in lives 5 minutes; enrolment
  // gets longer, for finding and setting up an authenticator app.
  challengeMs: { signin: 5 * MINUTE, enrol: 30 * MINUTE, reauth: 10 * MINUTE },
  // The known-device cookie (lib/server/sign-in/known-device.ts).
  knownDeviceSeconds: 180 * 24 * 60 * 60,
  // A session grant is redeemed right after it is made.
  sessionGrantSeconds: 60,
} as const;

// Pending sign-ins (or enrolments) an account keeps at once: a person has one
// or two browsers at it; a new one removes the oldest, so that a flood of
// right passwords cannot pile up rows.
export const MAX_PENDING_CHALLENGES = 3;
// README.md "Email" (emailed sign-in codes): at most 5 tries per code.
export const EMAIL_CODE_MAX_TRIES = 5;

// Whose tries a limit counts: a known browser's, an account's, or a typed
// name's (stored keyed-hashed by the caller).
export const subjects = {
  device: (userId: string, nonce: string): string => `device:${userId}:${nonce}`,
  isDevice: (subject: string): boolean => subject.startsWith("device:"),
  account: (userId: string): string => `account:${userId}`,
  name: (hashedName: string): string => `name:${hashedName}`,
};

// Every RateLimit row's key. One builder per bucket, so a key claimed in one
// file and released in another is one definition.
export const keys = {
  passwordPerIp: (ip: string): string => `password:ip:${ip}`,
  passwordStepsPerIp: (ip: string): string => `password-steps:ip:${ip}`,
  passwordSteps: (subject: string): string => `password-steps:${subject}`,
  passwordFailures: (subject: string): string => `password:${subject}`,
  codes: (subject: string): string => `code:${subject}`,
  partialSignIn: (userId: string): string => `partial-sign-in:account:${userId}`,
  registrations: (ip: string): string => `register:ip:${ip}`,
  emailCodeSends: (userId: string): string => `email-code-send:account:${userId}`,
  api: (route: string, ip: string): string => `api:${route}:ip:${ip}`,
  tokenIssues: (userId: string): string => `token-issue:account:${userId}`,
  tokenEmails: (userId: string): string => `token-email:account:${userId}`,
};

// The same for every flow that checks an emailed code.
const WRONG_EMAIL_CODE = "That code is not right, has expired, or was replaced by a newer one.";

const plural = (count: number, one: string, many: string): string => `${count} ${count === 1 ? one : many}`;

export const MESSAGES = {
  invalidCredentials: "Invalid username or password",
  passwordChecksBusy: "Too many sign-ins at this moment. Try again in a few seconds.",
  wrongSignInCode: {
    totp: "That code is not right. Wait for a new code and try again.",
    recovery: "That recovery code is not valid or was already used.",
    email: WRONG_EMAIL_CODE,
  },
  wrongSetupCode: {
    totp: "That code is not right. Check that your phone's clock is correct and try again.",
    email: WRONG_EMAIL_CODE,
  },
  wrongReenrolCode: "That code is not right. Scan the new QR code and enter the code it shows.",
  wrongReauthCode: "That code is not right or was already used",
  wrongPassword: "That password is not right",
  triesLeft: (left: number): string =>
    `${plural(left, "try", "tries")} left before you need to sign in again.`,
  tokenExpired: "Your token has expired. Issue a new token first.",
  tokenSent: (email: string): string => `Sent to ${email}.`,
  tokenEmailFailed: "We could not send the email. Try again in a moment.",
  chooseVerifyMethod: "Choose a way to verify",
  signInExpired: "Your sign-in has expired. Sign in again.",
  setupExpired:
    "Your setup session has expired. Sign in again to finish setting up two-factor authentication.",
  emailCodesOff: "Emailed codes are turned off.",
  codeEmailFailed: "We could not send the email. Check your connection and try again in a moment.",
  codeSent: (maskedEmail: string): string =>
    `We sent a code to ${maskedEmail}. It is valid for ${EMAIL_CODE_TTL_MINUTES} minutes.`,
  usernameTaken: "This username is taken. Choose another one.",
  emailRefused: "This email cannot be used. If it is yours, sign in instead.",
  reauthCodeMissing: "Enter the 6-digit code from your authenticator app, or a recovery code",
  samePassword: "Choose a password different from your current one",
  passwordChanged:
    "Your password was changed. Every other session was signed out and your access tokens revoked.",
  recoveryCodesReplaced: "Your old recovery codes no longer work.",
  reenrolled: "Your new authenticator app is set up. The old one no longer works.",
  useAuthenticatorCode: "Use the code from your authenticator app.",
  // Why an access token was refused, by TokenRejection (lib/server/tokens/access-tokens.ts).
  tokenRejections: {
    expired: "This token has expired. Sign in, or issue a new token, to get a fresh one.",
    bad_signature: "This token's signature is not valid: it was not issued by this app, or it was changed.",
    malformed: "This is not a well-formed token.",
    wrong_type: "This is a token, but not an access token.",
    revoked:
      "This token was revoked: replaced by a new token, revoked in security settings, or its user signed out everywhere.",
    unknown_user: "This token's user does not exist.",
  },
  api: {
    retry: (retryAfterSeconds: number): string =>
      `Too many requests. Try again in ${retryAfterSeconds} seconds.`,
    unavailable: "The service is briefly unavailable. Try again shortly.",
    internalError: "Something went wrong. Try again later.",
    methodNotAllowed: (allow: string): string => `Use ${allow}.`,
    bearerMissing: "Send an access token: Authorization: Bearer <token>.",
    bodyTooLarge: (maxBytes: number): string => `The body must be at most ${maxBytes} bytes.`,
    bodyNotJson: 'The body must be JSON: { "token": "..." }.',
  },
} as const;

// The largest body POST /api/token/validate reads.
export const API_MAX_BODY_BYTES = 8 * 1024;

export function retryMessage(retryAfterSeconds: number): string {
  const wait =
    retryAfterSeconds < 60
      ? plural(retryAfterSeconds, "second", "seconds")
      : plural(Math.ceil(retryAfterSeconds / 60), "minute", "minutes");
  return `Too many attempts. Try again in ${wait}.`;
}

// Tries left on a challenge after this wrong code.
export const triesLeftAfter = (failedAttempts: number): number =>
  Math.max(0, MAX_CHALLENGE_FAILURES - (failedAttempts + 1));

// ---------------------------------------------------------------------------
// Account codes (issue 13; DESIGN.md §5 "Verification and reset secrets"):
// email verification, email change and password reset
// (lib/server/accounts/account-codes.ts and the modules that use it). Kept in
// a block of its own so that edits to the tables above do not meet it.

export const ACCOUNT_CODE_TTL_MINUTES = { verify_email: 15, change_email: 15, reset_password: 30 } as const;

export const ACCOUNT_CODES = {
  // DESIGN.md §7: 8 characters, letters and digits, no look-alikes (no 0, O,
  // 1, I, L): 31 symbols, so 8 of them carry 39.6 bits. With 5 tries a code
  // and 3 codes per 15 minutes, a guesser wins with odds of 1 in 5.7e10 per
  // 15 minutes.
  codeAlphabet: "ABCDEFGHJKMNPQRSTUVWXYZ23456789",
  codeLength: 8,
  // DESIGN.md §5: 5 wrong verification codes void it.
  maxTries: 5,
  // Reset links: 256 bits (at least 128 required), base64url in the link;
  // the secret the reset's browser keeps in a cookie once the factor is
  // proven is as long.
  resetTokenBytes: 32,
  browserSecretBytes: 32,
  lifetimeMs: {
    verify_email: ACCOUNT_CODE_TTL_MINUTES.verify_email * MINUTE,
    change_email: ACCOUNT_CODE_TTL_MINUTES.change_email * MINUTE,
    reset_password: ACCOUNT_CODE_TTL_MINUTES.reset_password * MINUTE,
  },
  // An unverified account holds its address this long; after it a new
  // registration of the address may take it over.
  unverifiedHoldMs: 24 * 60 * MINUTE,
} as const;

// Emails carrying an account code (verification, email change, reset link),
// whatever their purpose: at most 3 per 15 minutes per account and 10 per IP
// per hour.
export const ACCOUNT_CODE_LIMITS = {
  sendsPerAccount: { max: 3, windowMs: 15 * MINUTE },
  sendsPerIp: { max: 10, windowMs: 60 * MINUTE },
} as const satisfies Record<string, WindowLimit>;

export const accountCodeKeys = {
  sendsPerAccount: (userId: string): string => `account-code-send:account:${userId}`,
  sendsPerIp: (ip: string): string => `account-code-send:ip:${ip}`,
};

export const ACCOUNT_CODE_MESSAGES = {
  wrongCode: (triesLeft: number): string =>
    `That code is not right. ${plural(triesLeft, "try", "tries")} left before it stops working.`,
  codeVoided: "That code no longer works after 5 wrong tries. Send a new code.",
  codeExpired: "That code has expired. Send a new code.",
  noCode: "That code was already used or replaced by a newer one. Send a new code.",
  codeSent: (maskedEmail: string): string =>
    `We sent a code to ${maskedEmail}. It is valid for ${ACCOUNT_CODE_TTL_MINUTES.verify_email} minutes.`,
  sameEmail: "This is already your email address.",
  emailTaken: "This email cannot be used. Choose another one.",
  resetLinkInvalid: "This reset link is not valid or was already used. Ask for a new one.",
  resetLinkExpired: "This reset link has expired. Ask for a new one.",
  resetFactorFirst: "Prove your second factor first.",
  resetDone: "Your password was reset and every session signed out. Sign in with your new password.",
  // The same answer whether or not the name has an account (DESIGN.md §4).
  resetRequested: (ttlMinutes: number = ACCOUNT_CODE_TTL_MINUTES.reset_password): string =>
    `If that account exists and its email is verified, we sent it a reset link. It is valid for ${ttlMinutes} minutes.`,
} as const;

// The Email section of /settings/security (email change, and verifying an
// address from before verification).
export const EMAIL_SETTINGS_MESSAGES = {
  alreadyVerified: "Your email address is already verified.",
} as const;

// ---------------------------------------------------------------------------
// Registration and /verify-email (issue 13, items 1 and 2).

// "Someone tried to register with your address": at most this many to one
// owner, whatever the IPs, so that the form cannot flood a mailbox.
export const REGISTRATION_ATTEMPT_NOTICES = { max: 3, windowMs: 60 * MINUTE } as const satisfies WindowLimit;
export const registrationKeys = {
  attemptNotices: (userId: string): string => `registration-attempt:account:${userId}`,
};

// A registration that passed its checks answers no sooner than this, whether
// the address was new or taken (app/register/actions.ts). Both usually take
// 40 to 110 ms on 2 busy cores.
export const REGISTRATION_ANSWER_FLOOR_MS = 250;

export const VERIFY_EMAIL_MESSAGES = {
  codeSent: (email: string): string =>
    `We sent a new code to ${email}. It is valid for ${ACCOUNT_CODE_TTL_MINUTES.verify_email} minutes.`,
  signInForNewCode: "Sign in to get a new code.",
  nothingToVerify: "There is nothing to verify in this browser. Sign in to continue.",
} as const;

// ---------------------------------------------------------------------------
// The password-reset pages (app/forgot-password, app/reset-password; issue 13).

export const RESET_PAGES = {
  // The cookie that holds the reset's browser secret once its factor is
  // proven: time enough to choose a password, never past the link's end.
  browserCookieMs: 10 * MINUTE,
} as const;

export const RESET_MESSAGES = {
  // Never the wrong-code counts of the sign-in: a reset has no challenge to end.
  wrongFactor: {
    totp: "That code is not right. Wait for a new code and try again.",
    recovery: "That recovery code is not valid or was already used.",
  },
  triesLeft: (left: number): string =>
    `${plural(left, "try", "tries")} left before codes are refused for a while.`,
  useRecoveryCode: "This account has no authenticator app. Use one of your recovery codes.",
  factorProvenElsewhere:
    "The second factor for this link was already proven, in another browser or too long ago. Ask for a new link.",
  passwordResetDone: "Your password was changed. Sign in with the new one.",
} as const;

// ---------------------------------------------------------------------------
// Passkeys (issue 14; DESIGN.md §5 "Passkeys"): lib/server/factors/passkeys.ts
// and passkey-challenges.ts.

export const PASSKEYS = {
  // DESIGN.md §5: a ceremony's challenge is used once, within 5 minutes; the
  // browser is given as long.
  challengeMs: 5 * MINUTE,
  // 256 random bits (WebAuthn Level 3 §13.4.3 asks for at least 128).
  challengeBytes: 32,
  // What the browser's passkey prompt names as the site.
  rpName: "Two-Factor App",
  nameMaxLength: 64,
  defaultName: "Passkey",
} as const;

// ---------------------------------------------------------------------------
// A passkey as the factor chosen at /setup-2fa (issue 14, item 4):
// app/setup-2fa/actions.ts and enrolPasskey (lib/server/factors/enrolment.ts).

// Each "Use a passkey instead" stores a challenge for 5 minutes: enough
// prompts for a person who cancels a few, not a table filled by a script.
export const PASSKEY_SETUP_LIMITS = {
  beginsPerAccount: { max: 20, windowMs: 15 * MINUTE },
} as const satisfies Record<string, WindowLimit>;
export const passkeySetupKeys = {
  begins: (userId: string): string => `passkey-setup-begin:account:${userId}`,
};

export const PASSKEY_SETUP_MESSAGES = {
  // A finish whose ceremony began elsewhere, was used, or is older than PASSKEYS.challengeMs.
  challenge: "This passkey prompt has expired or belongs to another setup. Try again.",
  "verification failed": "The passkey could not be checked. Try again, or use another way.",
  // DESIGN.md §5: the passkey must verify its user (fingerprint, face or PIN).
  "user verification":
    "This passkey did not check that it is you (fingerprint, face or PIN). Use one that does, or another way.",
  "already registered": "This passkey is already registered. Use another one, or another way.",
  "enrolment ended":
    "Two-factor authentication was already set up for this account, or this setup ended. Sign in again.",
} as const;

// ---------------------------------------------------------------------------
// The Passkeys section of /settings/security (issue 14, item 1):
// app/settings/security/passkey-actions.ts.

export const PASSKEY_SETTINGS_MESSAGES = {
  // Why finishPasskeyRegistration refused (RegistrationFailure).
  registrationRefused: {
    challenge: "That passkey request expired or was already used. Try adding the passkey again.",
    "already registered": "That passkey is already registered.",
    "user verification":
      "Your authenticator did not verify it was you (PIN, fingerprint or face). Try again, and unlock it when it asks.",
    "verification failed": "That passkey could not be verified. Try again, or use another authenticator.",
  },
  added: "Passkey added.",
  renamed: "Passkey renamed.",
  removed: "Passkey removed.",
  notFound: "That passkey is no longer on your account.",
  badName: "Give the passkey a name of letters, digits or signs.",
  lastFactor:
    "This is your only way to sign in a second time: add another passkey or an authenticator app first.",
} as const;

// ---------------------------------------------------------------------------
// Passkeys at sign-in (issue 14, items 2 and 3): the second step at
// /login/verify, a passkey as the whole sign-in at /login, and the factor of
// a password reset (lib/server/sign-in/second-step.ts, passkey-sign-in.ts).

export const PASSKEY_SIGN_IN = {
  // Passkey sign-ins begun (and, separately, finished) per IP: a person needs
  // a few; each begin writes a challenge row and each finish checks a signature.
  perIp: { max: 30, windowMs: 15 * MINUTE },
  // The cookie that binds a passwordless ceremony to the browser that began it
  // lives as long as the ceremony's challenge.
  browserCookieMs: PASSKEYS.challengeMs,
  browserSecretBytes: 32,
} as const;

export const passkeySignInKeys = {
  begins: (ip: string): string => `passkey-sign-in:ip:${ip}`,
  finishes: (ip: string): string => `passkey-sign-in-finish:ip:${ip}`,
};

export const PASSKEY_SIGN_IN_MESSAGES = {
  // The second step and a reset's factor: a passkey refused counts as a wrong code.
  wrongPasskey: "That passkey could not be used for this account.",
  // A passkey as the whole sign-in (the e2e suite looks for "could not sign you in").
  couldNotSignIn: "This passkey could not sign you in. Try again, or sign in with your password.",
  notVerified:
    "Your passkey did not verify it was you (a PIN, fingerprint or face). Try again, or sign in with your password.",
  noPasskey: "This account has no passkey. Use another way.",
} as const;

// The detail of a `passkey_refused` event whose signature counter went back
// (W3C WebAuthn §6.1.1: perhaps a cloned authenticator).
export const PASSKEY_COUNTER_WENT_BACK = "signature counter went back";
// The detail of a `passkey_refused` event when a passkey of the account
// failed as the whole sign-in.
export const PASSKEY_SIGN_IN_REFUSED = {
  "verification failed": "sign-in with a passkey: the signature did not verify",
  "user verification": "sign-in with a passkey: the user was not verified",
} as const;

// ---------------------------------------------------------------------------
// Operators and bounded storage (issue 15, items 3, 4 and 6): the operator CLI
// (lib/server/operator/), deleteAccount (lib/server/accounts/account-deletion.ts)
// and pruneExpired (lib/server/platform/prune.ts).

export const PRUNE = {
  // After a response, at most once a minute per instance, at most this many
  // rows per table: a busy minute's rows go in a few runs, and no response
  // ever waits for one.
  everyMs: MINUTE,
  batch: 500,
  // An account code (or a registration decoy's) is kept this long past its
  // expiry, so that /verify-email still answers "expired" rather than "no
  // code", for a real code and a decoy alike.
  expiredCodeGraceMs: 24 * 60 * MINUTE,
} as const;

// What a security event recorded by the operator CLI stores as its request.
export const OPERATOR_CONTEXT = { ip: "operator", userAgent: "Operator CLI (npm run admin)" } as const;
// The detail of every event an operator's command records (DESIGN.md §4 "Operators").
export const OPERATOR_DETAIL = "by an operator";
export const ACCOUNT_DELETED_DETAIL = { user: "by the user", operator: OPERATOR_DETAIL } as const;

// ---------------------------------------------------------------------------
// Sessions and access tokens, each listed and revocable (issue 15, items 1
// and 2; lib/server/sign-in/sessions.ts, lib/server/tokens/access-tokens.ts).

export const SESSIONS_AND_TOKENS = {
  // A session's lastSeenAt and a token's lastUsedAt are written at most this
  // often, so that the hot path stays one read (a conditional update after
  // the response when the row read is older).
  lastSeenIntervalMs: MINUTE,
  lastUsedIntervalMs: MINUTE,
} as const;

export const SESSIONS_AND_TOKENS_MESSAGES = {
  sessionEnded: "That session was signed out.",
  sessionGone: "That session has already ended.",
  tokenRevoked: "The access token was revoked.",
  tokenGone: "That token has already expired or been revoked.",
} as const;

// ---------------------------------------------------------------------------
// Deleting the account from settings (issue 15, item 3; DESIGN.md §4
// "Deleting the account"): the proof of a right re-authentication that the
// confirmation step needs (lib/server/accounts/deletion-proof.ts).

export const ACCOUNT_DELETION = {
  // A right password and code in this session, then "Delete my account
  // permanently" within this time; the proof is used once.
  proofLifetimeMs: 5 * MINUTE,
} as const;

// One RateLimit row per proof (no table of its own): the session it belongs
// to, the SHA-256 of its token, and the account subject, so that every
// deletion (the user's, an operator's) takes it along (accountRateLimits).
export const accountDeletionKeys = {
  sessionPrefix: (sessionId: string): string => `account-deletion:session:${sessionId}:`,
  proof: (sessionId: string, tokenHash: string, userId: string): string =>
    `${accountDeletionKeys.sessionPrefix(sessionId)}${tokenHash}:${subjects.account(userId)}`,
};

export const ACCOUNT_DELETION_MESSAGES = {
  // The home page after the deletion (/?deleted=1), signed out.
  accountDeleted: "Your account was deleted.",
  // The confirmation came too late, twice, from another session, or never
  // followed a right password and code.
  proofRefused:
    "That confirmation has expired. Enter your password and a current code again to delete your account.",
} as const;

// ---------------------------------------------------------------------------
// The password step's work queue (issue 16, goal 3: `/` stays fast during a
// burst of sign-ins; lib/server/platform/work-queue.ts, foreground.ts, wired by
// loginAction's `queue` and lib/server/accounts/password.ts). A password step
// costs the event loop several times a page render, and Node cannot pre-empt
// it: page views go first, and the step waits (it is never refused sooner).

export const PASSWORD_STEP_QUEUE = {
  // Password steps past the form's parsing at once while nobody views a page:
  // enough to keep the event loop and the hasher busy (2 cost a third of the
  // throughput at 16 connections), so a burst alone is served as fast as before.
  concurrency: 8,
  // While pages are being viewed (one in flight, or one ended within
  // `pagesRecentMs`), one at a time, so that a page's turns of the loop wait
  // behind one step's stretch of work at most.
  concurrencyBesidePages: 1,
  pagesRecentMs: 500,
  // A step whose turn came (and a step around its hash) waits for the page
  // views in flight to end, but never longer than this: delayed, not starved.
  pageWaitMs: 100,
  // As many as the hasher let wait before (lib/server/accounts/password.ts): a
  // sign-in waits up to ~2 s in line; past it, it is told to come back.
  maxWaiting: 100,
} as const;
