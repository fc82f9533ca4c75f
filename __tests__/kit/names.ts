// Fresh names and addresses, so tests that share a database or a server do
// not meet each other's accounts or per-IP limits.

export function uniqueName(prefix = "user"): string {
  return `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

// Addresses from 100.64.0.0/10 (shared address space, which no fixed
// address in the tests uses), one after another from a random start, so
// each call in a suite gets its own and two suites almost never meet.
let ipCounter = Math.floor(Math.random() * 2 ** 22);
export function freshIp(): string {
  const n = ipCounter++ % 2 ** 22;
  return `100.${64 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
}
