// The local outbox prints a line per email (lib/server/mail/mailer.ts), and
// the suites send hundreds: they read the outbox (kit/outbox.ts) instead, so
// only those lines are dropped. A plain wrapper, not a jest spy, so a test
// that spies on console.info itself (mailer.test.ts) still sees every line
// and its mockRestore() comes back here.
const original = console.info.bind(console);
console.info = (...args: unknown[]): void => {
  if (typeof args[0] === "string" && args[0].startsWith("[mail] ")) return;
  original(...args);
};

export {};
