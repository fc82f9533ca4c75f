// The policy numbers that pages, client components and email templates show
// to people. Pure constants, so that emails/ and client code can import them;
// the rest of the policy (limits, keys, messages) is server-only, in
// lib/server/policy.ts, which re-exports these.

// README.md "Email" (emailed sign-in codes): valid 10 minutes.
export const EMAIL_CODE_TTL_MINUTES = 10;
// README.md "Security rules": 5 wrong codes void the challenge.
export const MAX_CHALLENGE_FAILURES = 5;
// Recovery codes issued at once (README.md "Recovery codes").
export const RECOVERY_CODE_COUNT = 10;
// ASVS 6.3.5: wrong codes after a right password, counted per account across
// sign-ins, before the owner is emailed.
export const PARTIAL_SIGN_IN_NOTICE_AFTER = 5;
// The longest string taken as an access token (the form, the API, the check).
export const ACCESS_TOKEN_MAX_LENGTH = 4096;
