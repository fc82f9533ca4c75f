import "server-only";
import type { Prisma, User } from "@prisma/client";
import { subjects } from "../policy";
import { nameLimitSubject } from "../sign-in/known-device";

// Every RateLimit row that counts for one account (lib/server/policy.ts
// `keys` and `subjects`): keys ending in its account subject
// ("code:account:<id>", "email-code-send:account:<id>", ...), its known
// browsers' ("password:device:<id>:<nonce>", "code:device:..."), and its two
// names' ("password:name:<hash of the username>", the same of the email).
// Rows of an IP or of a registration decoy belong to no account.
export function accountRateLimits(user: Pick<User, "id" | "username" | "email">): Prisma.RateLimitWhereInput {
  const account = subjects.account(user.id);
  return {
    OR: [
      { key: { endsWith: account } },
      { key: { contains: `${account}:` } },
      { key: { contains: subjects.device(user.id, "") } },
      ...[user.username, user.email].map((name) => ({ key: { endsWith: nameLimitSubject(name) } })),
    ],
  };
}
