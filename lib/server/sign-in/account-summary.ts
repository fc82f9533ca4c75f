import "server-only";
import { countRecoveryCodesLeft } from "../factors/recovery-codes";
import { METHOD_NAMES } from "../mail/senders";
import { directSqlite, parseOptionalSqliteDate, sqliteDate } from "../platform/sqlite-direct";
import type { CurrentSession } from "./session";
import { signedInWithRecoveryCode, signInEventWindow } from "./sign-in-method";

// What the dashboard shows of the account beyond the session's user: the
// recovery codes left, and whether this session's sign-in used one. On
// SQLite one statement of the hot path (../platform/sqlite-direct.ts); the
// same questions as ./sign-in-method.ts asks through Prisma.
export type AccountSummary = { recoveryCodesLeft: number; usedRecoveryCode: boolean };

type SummaryRow = {
  codesLeft: number;
  signInDetail: string | null;
  signInAt: string | null;
  regeneratedAt: string | null;
};

const SIGN_IN_EVENT = `FROM "SecurityEvent" WHERE "userId" = ? AND "type" = 'sign_in' AND "createdAt" < ? AND "createdAt" >= ?
  ORDER BY "createdAt" DESC LIMIT 1`;

export async function accountSummary(current: CurrentSession): Promise<AccountSummary> {
  const sqlite = directSqlite();
  if (!sqlite) {
    const [recoveryCodesLeft, usedRecoveryCode] = await Promise.all([
      countRecoveryCodesLeft(current.user.id),
      signedInWithRecoveryCode(current),
    ]);
    return { recoveryCodesLeft, usedRecoveryCode };
  }
  const userId = current.user.id;
  const { before, since } = signInEventWindow(current);
  const window = [userId, sqliteDate(before), sqliteDate(since)] as const;
  const row = await sqlite.read((sql) =>
    sql.get<SummaryRow>(
      `SELECT (SELECT COUNT(*) FROM "RecoveryCode" WHERE "userId" = ? AND "usedAt" IS NULL) AS "codesLeft",
        (SELECT "detail" ${SIGN_IN_EVENT}) AS "signInDetail",
        (SELECT "createdAt" ${SIGN_IN_EVENT}) AS "signInAt",
        (SELECT MAX("createdAt") FROM "SecurityEvent" WHERE "userId" = ? AND "type" = 'recovery_codes_regenerated')
          AS "regeneratedAt"`,
      userId,
      ...window,
      ...window,
      userId,
    ),
  );
  const signInAt = parseOptionalSqliteDate(row?.signInAt ?? null);
  const regeneratedAt = parseOptionalSqliteDate(row?.regeneratedAt ?? null);
  const usedRecoveryCode =
    row?.signInDetail === METHOD_NAMES.recovery &&
    signInAt !== null &&
    (regeneratedAt === null || regeneratedAt < signInAt);
  return { recoveryCodesLeft: row?.codesLeft ?? 0, usedRecoveryCode };
}
