/** @jest-environment node */
import type { ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { endSessionAction, revokeAccessTokenAction } from "@/app/settings/security/session-actions";
import SecuritySettingsPage from "@/app/settings/security/page";
import { quietAuthErrors, signInFully, SESSION_COOKIE } from "@/__tests__/kit/attacker";
import { Browser } from "@/__tests__/kit/browsers";
import { freshIp } from "@/__tests__/kit/names";
import { form, runAction } from "@/__tests__/kit/request-scope";
import { createEnrolledUser, type TestUser } from "@/__tests__/kit/users";
import { db } from "@/lib/server/platform/db";
import { getCurrentSession } from "@/lib/server/sign-in/session";
import { endSessionOf } from "@/lib/server/sign-in/sessions";
import { currentAccessToken, validateAccessToken } from "@/lib/server/tokens/access-tokens";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);
jest.mock("next/cache", () => ({ revalidatePath: jest.fn() }));
quietAuthErrors();

async function signInTwice(user: TestUser): Promise<[Browser, Browser]> {
  const laptop = new Browser(freshIp(), "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Chrome/131.0.0.0");
  const phone = new Browser(
    freshIp(),
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
  );
  await signInFully(laptop, user);
  jest.useFakeTimers({ now: Date.now() + 30_000, doNotFake: ["nextTick", "setImmediate", "queueMicrotask"] });
  try {
    await signInFully(phone, user);
  } finally {
    jest.useRealTimers();
  }
  return [laptop, phone];
}

const sessionIdOf = async (browser: Browser) => (await browser.run(() => getCurrentSession()))?.sessionId;

type AnyPage = (props: { searchParams: Promise<Record<string, string>> }) => Promise<ReactElement>;
const settingsPage = (browser: Browser) =>
  browser.run(async () =>
    renderToStaticMarkup(await (SecuritySettingsPage as AnyPage)({ searchParams: Promise.resolve({}) })),
  );

// The rendered rows of a data-testid, as text.
function rows(html: string, testId: string): string[] {
  return html.split(`data-testid="${testId}"`).slice(1);
}

describe("the Sessions section", () => {
  it("lists live sessions only, browser and OS as a person reads them, this browser marked", async () => {
    const user = await createEnrolledUser();
    const [laptop, phone] = await signInTwice(user);
    const third = new Browser(freshIp());
    jest.useFakeTimers({
      now: Date.now() + 60_000,
      doNotFake: ["nextTick", "setImmediate", "queueMicrotask"],
    });
    try {
      await signInFully(third, user);
    } finally {
      jest.useRealTimers();
    }
    await endSessionOf(user.id, (await sessionIdOf(third))!);

    const sessions = rows(await settingsPage(laptop), "session");
    expect(sessions).toHaveLength(2);
    const mine = sessions.filter((row) => row.includes("This browser"));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toContain("Chrome 131 on macOS");
    expect(sessions.find((row) => !row.includes("This browser"))).toContain("Firefox 133 on Linux");
    expect(sessions.join("")).toContain(phone.ip);
  });

  it('"Sign out" of another session ends it at its next request and records session_revoked', async () => {
    const user = await createEnrolledUser();
    const [laptop, phone] = await signInTwice(user);
    const phoneSession = (await sessionIdOf(phone))!;
    const { result } = await laptop.run(() =>
      runAction(() => endSessionAction({}, form({ sessionId: phoneSession }))),
    );
    expect(result).toMatchObject({ done: true, message: "That session was signed out." });
    expect(await sessionIdOf(phone)).toBeUndefined();
    expect(await sessionIdOf(laptop)).toBeDefined();
    const event = await db.securityEvent.findFirstOrThrow({
      where: { userId: user.id, type: "session_revoked" },
    });
    expect(event.detail).toContain("Firefox 133 on Linux");
    expect(event.ip).toBe(laptop.ip);
  });

  it("signing out this browser's own session signs it out, as the header's Sign out", async () => {
    const user = await createEnrolledUser();
    const browser = new Browser(freshIp());
    await signInFully(browser, user);
    const sessionId = (await sessionIdOf(browser))!;
    const { redirectedTo } = await browser.run(() =>
      runAction(() => endSessionAction({}, form({ sessionId }))),
    );
    expect(redirectedTo).toBe("/login?signedOut=1");
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
    expect((await db.userSession.findUniqueOrThrow({ where: { id: sessionId } })).endedAt).not.toBeNull();
  });

  it("refuses another user's session, an ended one and bad input with a message, changing nothing", async () => {
    const [user, stranger] = [await createEnrolledUser(), await createEnrolledUser()];
    const mine = new Browser(freshIp());
    const theirs = new Browser(freshIp());
    await signInFully(mine, user);
    await signInFully(theirs, stranger);
    const theirSession = (await sessionIdOf(theirs))!;
    const { result } = await mine.run(() =>
      runAction(() => endSessionAction({}, form({ sessionId: theirSession }))),
    );
    expect(result?.message).toBe("That session has already ended.");
    expect(await sessionIdOf(theirs)).toBe(theirSession);
    const badFields: Record<string, string>[] = [{}, { sessionId: "" }, { sessionId: "x".repeat(5000) }];
    for (const fields of badFields) {
      const bad = await mine.run(() => runAction(() => endSessionAction({}, form(fields))));
      expect(bad.result?.errors?.sessionId).toBeDefined();
    }
    expect(await db.securityEvent.count({ where: { userId: user.id, type: "session_revoked" } })).toBe(0);
  });
});

describe("the Access tokens section", () => {
  it("lists live tokens with their jti, and Revoke refuses the token at once", async () => {
    const user = await createEnrolledUser();
    const browser = new Browser(freshIp());
    await signInFully(browser, user);
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    const current = (await currentAccessToken(row))!;
    const listed = rows(await settingsPage(browser), "access-token-row");
    expect(listed).toHaveLength(1);
    expect(listed[0]).toContain(`data-jti="${current.claims.jti}"`);
    expect(listed[0]).toContain("Never used");

    const { result } = await browser.run(() =>
      runAction(() => revokeAccessTokenAction({}, form({ jti: current.claims.jti }))),
    );
    expect(result).toMatchObject({ done: true, message: "The access token was revoked." });
    expect(await validateAccessToken(current.token)).toEqual({ valid: false, reason: "revoked" });
    expect(rows(await settingsPage(browser), "access-token-row")).toHaveLength(0);
    expect(await db.securityEvent.count({ where: { userId: user.id, type: "access_token_revoked" } })).toBe(
      1,
    );

    const again = await browser.run(() =>
      runAction(() => revokeAccessTokenAction({}, form({ jti: current.claims.jti }))),
    );
    expect(again.result?.message).toBe("That token has already expired or been revoked.");
  });
});
