import "server-only";
import { timingSafeEqual } from "node:crypto";
import type { Session } from "next-auth";
import type { JWT } from "next-auth/jwt";
import { z } from "zod";
import { keyedHash } from "../platform/keyed-hash";
import { LIFETIMES } from "../policy";

// next-auth re-issues a session through its jwt callback (trigger "update")
// both for the server's unstable_update() and for any browser's POST to
// /api/auth/session, whose `data` reaches the callback as the browser sent
// it. So an update changes one thing only, the session version, and only on
// a grant the server made: an HMAC under a server-held key, for that session
// (its id), from the version it holds to the next one, for a minute.
const PURPOSE = "session-version-grant";
const GRANT_TTL_SECONDS = LIFETIMES.sessionGrantSeconds;

const GrantSchema = z.object({
  versionGrant: z.object({
    sessionId: z.string().max(100),
    from: z.int().nonnegative(),
    exp: z.int(),
    mac: z.string().length(64),
  }),
});

type Grant = z.infer<typeof GrantSchema>["versionGrant"];

const statement = (grant: Omit<Grant, "mac">): string =>
  JSON.stringify([grant.sessionId, grant.from, grant.from + 1, grant.exp]);

// What unstable_update() is given to move the session `sessionId` from
// version `from` to `from + 1`.
export function grantNextSessionVersion(sessionId: string, from: number, now = Date.now()): Partial<Session> {
  const claims = { sessionId, from, exp: Math.floor(now / 1000) + GRANT_TTL_SECONDS };
  const versionGrant: Grant = { ...claims, mac: keyedHash(PURPOSE, statement(claims)) };
  // next-auth types the update as a partial Session; the grant is read only by applySessionUpdate.
  return { versionGrant } as Partial<Session>;
}

// The jwt callback's answer to an update: the token at the next version when
// `update` holds a valid grant for it, else the token unchanged.
export function applySessionUpdate(token: JWT, update: unknown, now = Date.now()): JWT {
  const parsed = GrantSchema.safeParse(update);
  if (!parsed.success) return token;
  const grant = parsed.data.versionGrant;
  const expected = Buffer.from(keyedHash(PURPOSE, statement(grant)));
  const given = Buffer.from(grant.mac);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return token;
  if (grant.sessionId !== token.sid || grant.from !== token.sv || grant.exp < now / 1000) return token;
  return { ...token, sv: grant.from + 1 };
}
