import "server-only";

// Moved to ./senders.ts; this re-export keeps app/'s imports working until
// they import "@/lib/server/mail/senders" (then delete this file).
export {
  METHOD_NAMES,
  noticePartialSignIn,
  noticePasswordChanged,
  noticeRecoveryCodeUsed,
  noticeSignIn,
  noticeTwoFactorChanged,
  noticeWelcome,
} from "./senders";
