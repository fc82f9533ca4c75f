/** @jest-environment node */
import type { User } from "@prisma/client";
import { revalidatePath } from "next/cache";
import {
  cancelReenrolAction,
  changePasswordAction,
  confirmReenrolAction,
  regenerateRecoveryCodesAction,
  signOutEverywhereAction,
  startReenrolAction,
} from "@/app/settings/security/actions";
import { browser, form, runAction } from "@/__tests__/kit/request-scope";
import { createEnrolledUser, currentCode, rowCounts, type TestUser } from "@/__tests__/kit/users";
import { db } from "@/lib/server/platform/db";
import { consumeRecoveryCode } from "@/lib/server/factors/recovery-codes";
import { getPendingReenrolment } from "@/lib/server/factors/reenrolment";
import { getCurrentSession } from "@/lib/server/sign-in/session";
import { verifySecondFactor } from "@/lib/server/factors/two-factor";
import { subject as recoveryCodeUsedSubject } from "@/emails/recovery-code-used";
import { freshIp } from "@/__tests__/kit/names";
import { watchOutbox } from "@/__tests__/kit/outbox";

// next/cache needs Next's request store, which jest has not: the call itself is what is checked here,
// the refreshed page in e2e/settings.spec.ts.
jest.mock("next/cache", () => ({ revalidatePath: jest.fn() }));
jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/request-scope").nextHeaders);
// The session check itself is tested end to end; here it answers "this user".
jest.mock("@/lib/server/sign-in/session", () => ({ getCurrentSession: jest.fn() }));

let user: TestUser;
let row: User;

beforeEach(async () => {
  jest.mocked(revalidatePath).mockClear();
  browser.reset(freshIp());
  user = await createEnrolledUser();
  row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
  jest.mocked(getCurrentSession).mockResolvedValue({
    user: row,
    sessionId: "test-session",
    authenticatedAt: Math.floor(Date.now() / 1000),
  });
});

describe("regenerating recovery codes", () => {
  it("needs the password and a current code, and voids every old code", async () => {
    const code = await currentCode(user.secret);
    const { result } = await runAction(() =>
      regenerateRecoveryCodesAction({}, form({ password: user.password, code })),
    );
    expect(result?.recoveryCodes).toHaveLength(10);
    expect(result?.recoveryCodes).not.toContain(user.recoveryCodes[0]);
    expect(await consumeRecoveryCode(user.id, user.recoveryCodes[0])).toBeNull();
    expect(await consumeRecoveryCode(user.id, result!.recoveryCodes![0])).toEqual({ remaining: 9 });
  });

  it("refuses a wrong password without touching the codes", async () => {
    const { result } = await runAction(() =>
      regenerateRecoveryCodesAction({}, form({ password: "wrong", code: "123456" })),
    );
    expect(result?.errors?.password).toEqual(["That password is not right"]);
    expect(await db.recoveryCode.count({ where: { userId: user.id, usedAt: null } })).toBe(10);
  });

  it("refuses a wrong code after a right password", async () => {
    const { result } = await runAction(() =>
      regenerateRecoveryCodesAction({}, form({ password: user.password, code: "000000" })),
    );
    expect(result?.errors?.code).toEqual(["That code is not right or was already used"]);
  });

  it.each([
    ["no fields", {}],
    ["files", { password: new Blob(["p"]), code: new Blob(["c"]) }],
    ["10,000-character strings", { password: "p".repeat(10_000), code: "1".repeat(10_000) }],
    ["a code that is neither kind", { password: "x", code: "🙂🙂🙂" }],
  ])("refuses bad input (%s), writing nothing", async (_name, fields) => {
    const before = await rowCounts();
    const { result } = await runAction(() => regenerateRecoveryCodesAction({}, form(fields)));
    expect(Object.keys(result?.errors ?? {}).length).toBeGreaterThan(0);
    expect(await rowCounts()).toEqual(before);
  });
});

describe("re-authenticating with a recovery code", () => {
  it("spends the code, records it and emails the owner how many are left", async () => {
    const written = watchOutbox();
    const started = await runAction(() =>
      startReenrolAction({}, form({ password: user.password, code: user.recoveryCodes[1] })),
    );
    expect(started.result?.errors).toBeUndefined();
    expect(await getPendingReenrolment(row)).not.toBeNull();
    expect(await consumeRecoveryCode(user.id, user.recoveryCodes[1])).toBeNull();
    const event = await db.securityEvent.findFirst({
      where: { userId: user.id, type: "recovery_code_used" },
    });
    expect(event?.detail).toBe("9 left");
    const mailed = written().map((mail) => `"${mail.subject}" to ${mail.to}`);
    expect(mailed.some((line) => line.includes(recoveryCodeUsedSubject) && line.includes(user.email))).toBe(
      true,
    );
  });
});

describe("moving to a new authenticator app", () => {
  it("keeps the old app working until the new one has proved itself", async () => {
    const started = await runAction(() =>
      startReenrolAction({}, form({ password: user.password, code: user.recoveryCodes[0] })),
    );
    const newSecret = (await getPendingReenrolment(row))!.setupKey.replace(/\s/g, "");
    expect(newSecret).not.toBe(user.secret);
    expect(await verifySecondFactor(user.id, "totp", await currentCode(user.secret, 1))).toEqual({
      ok: true,
    });

    const wrong = await runAction(() => confirmReenrolAction(started.result!, form({ newCode: "000000" })));
    expect(wrong.result?.errors?.newCode?.[0]).toMatch(/^That code is not right/);

    const newCode = await currentCode(newSecret);
    const done = await runAction(() => confirmReenrolAction(started.result!, form({ newCode })));
    expect(done.result?.done).toBe(true);
    expect(await verifySecondFactor(user.id, "totp", await currentCode(user.secret, -1))).toEqual({
      ok: false,
    });
    expect(await db.securityEvent.count({ where: { userId: user.id, type: "two_factor_reenrolled" } })).toBe(
      1,
    );
  });

  it("cannot be confirmed without having been started", async () => {
    const newCode = await currentCode(user.secret, 1);
    const { result } = await runAction(() => confirmReenrolAction({}, form({ newCode })));
    expect(result?.errors?.newCode?.[0]).toMatch(/^That code is not right/);
  });
});

describe("an empty submit", () => {
  it("flags every field of the password change, not only the new password", async () => {
    const { result } = await runAction(() => changePasswordAction({}, form({})));
    expect(Object.keys(result?.errors ?? {}).sort()).toEqual(["code", "newPassword", "password"]);
  });

  it.each([
    ["regenerating recovery codes", () => regenerateRecoveryCodesAction({}, form({}))],
    ["starting a switch", () => startReenrolAction({}, form({}))],
  ])("flags both fields when %s", async (_name, action) => {
    const { result } = await runAction(action);
    expect(Object.keys(result?.errors ?? {}).sort()).toEqual(["code", "password"]);
  });
});

describe("a pending switch to a new authenticator app", () => {
  const start = () =>
    runAction(() => startReenrolAction({}, form({ password: user.password, code: user.recoveryCodes[2] })));

  it("is kept on the server, so that a reload shows the same QR code and key again", async () => {
    expect(await getPendingReenrolment(row)).toBeNull();
    await start();
    const first = await getPendingReenrolment(row);
    expect(first?.setupKey).toMatch(/^[A-Z2-7 ]+$/);
    expect((await getPendingReenrolment(row))?.setupKey).toBe(first?.setupKey);
    expect(first?.qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);
  });

  it("is discarded by Cancel, and the current app keeps working", async () => {
    await start();
    const pending = (await getPendingReenrolment(row))!.setupKey.replace(/\s/g, "");
    await runAction(() => cancelReenrolAction());
    expect(await getPendingReenrolment(row)).toBeNull();
    const newCode = await currentCode(pending);
    const { result } = await runAction(() => confirmReenrolAction({}, form({ newCode })));
    expect(result?.errors?.newCode?.[0]).toMatch(/^That code is not right/);
    expect(await verifySecondFactor(user.id, "totp", await currentCode(user.secret, 1))).toEqual({
      ok: true,
    });
  });

  it("is discarded by Cancel for an email user, leaving no authenticator behind", async () => {
    await db.totpFactor.delete({ where: { userId: user.id } });
    row = await db.user.update({ where: { id: user.id }, data: { twoFactorMethod: "email" } });
    jest.mocked(getCurrentSession).mockResolvedValue({ user: row, sessionId: "s", authenticatedAt: 0 });
    await start();
    expect(await getPendingReenrolment(row)).not.toBeNull();
    await runAction(() => cancelReenrolAction());
    expect(await db.totpFactor.count({ where: { userId: user.id } })).toBe(0);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).twoFactorMethod).toBe("email");
  });
});

describe("refreshing the settings page", () => {
  it("happens after regenerating codes, starting, confirming and cancelling a switch", async () => {
    const refreshed = () => jest.mocked(revalidatePath).mock.calls.map((call) => call[0]);
    const regenerated = await runAction(() =>
      regenerateRecoveryCodesAction({}, form({ password: user.password, code: user.recoveryCodes[3] })),
    );
    expect(refreshed()).toEqual(["/settings/security"]);
    const [nextCode] = regenerated.result!.recoveryCodes!;
    const code = await currentCode(user.secret, 1);
    await runAction(() => startReenrolAction({}, form({ password: user.password, code })));
    expect(refreshed()).toHaveLength(2);
    await runAction(() => cancelReenrolAction());
    expect(refreshed()).toHaveLength(3);
    await runAction(() => startReenrolAction({}, form({ password: user.password, code: nextCode })));
    const secret = (await getPendingReenrolment(row))!.setupKey.replace(/\s/g, "");
    const newCode = await currentCode(secret);
    await runAction(() => confirmReenrolAction({}, form({ newCode })));
    expect(refreshed()).toEqual(Array(5).fill("/settings/security"));
  });

  it("does not happen after a refused change", async () => {
    await runAction(() => regenerateRecoveryCodesAction({}, form({ password: "wrong", code: "123456" })));
    expect(revalidatePath).not.toHaveBeenCalled();
  });
});

describe("signing out everywhere", () => {
  it("bumps the session version, which revokes every session", async () => {
    const { redirectedTo } = await runAction(() => signOutEverywhereAction());
    expect(redirectedTo).toBe("/login?signedOut=1");
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).sessionVersion).toBe(1);
  });
});
