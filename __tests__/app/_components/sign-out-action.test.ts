/** @jest-environment node */
import { signOutAction } from "@/app/_components/sign-out-action";
import { signInFully, SESSION_COOKIE } from "@/__tests__/kit/attacker";
import { Browser } from "@/__tests__/kit/browsers";
import { runAction } from "@/__tests__/kit/request-scope";
import { createEnrolledUser } from "@/__tests__/kit/users";
import { db } from "@/lib/server/platform/db";
import { getCurrentSession } from "@/lib/server/sign-in/session";
import { freshIp } from "@/__tests__/kit/names";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);

const newBrowser = () => new Browser(freshIp());

// getCurrentSession is cached per request (React cache); each call here is a
// request of its own.
const currentUserId = (browser: Browser) =>
  browser.run(async () => (await getCurrentSession())?.user.id ?? null);

describe("Sign out", () => {
  it("ends the session on the server: a copy of its cookie is refused afterwards", async () => {
    const user = await createEnrolledUser();
    const owner = newBrowser();
    await signInFully(owner, user);
    const thief = newBrowser();
    thief.cookies.set(SESSION_COOKIE, owner.cookies.get(SESSION_COOKIE) as string);
    expect(await currentUserId(thief)).toBe(user.id);

    const { redirectedTo } = await owner.run(() => runAction(() => signOutAction()));
    expect(redirectedTo).toBe("/login?signedOut=1");
    expect(owner.cookies.has(SESSION_COOKIE)).toBe(false);

    expect(await currentUserId(thief)).toBeNull();
    const rows = await db.userSession.findMany({ where: { userId: user.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0].endedAt).not.toBeNull();
    expect(rows[0].expiresAt.getTime()).toBeGreaterThan(Date.now() + 11 * 60 * 60 * 1000);
  });

  it("leaves the user's other sessions signed in", async () => {
    const user = await createEnrolledUser();
    const laptop = newBrowser();
    const phone = newBrowser();
    await signInFully(laptop, user);
    // A new time step, so that the phone's code is not a replay of the laptop's.
    jest.useFakeTimers({
      now: Date.now() + 30_000,
      doNotFake: ["nextTick", "setImmediate", "queueMicrotask"],
    });
    try {
      await signInFully(phone, user);
    } finally {
      jest.useRealTimers();
    }

    await laptop.run(() => runAction(() => signOutAction()));
    expect(await currentUserId(laptop)).toBeNull();
    expect(await currentUserId(phone)).toBe(user.id);
  });

  it("without a session just clears the cookie and changes nothing", async () => {
    const before = await db.userSession.count({ where: { endedAt: { not: null } } });
    const { redirectedTo } = await newBrowser().run(() => runAction(() => signOutAction()));
    expect(redirectedTo).toBe("/login?signedOut=1");
    expect(await db.userSession.count({ where: { endedAt: { not: null } } })).toBe(before);
  });

  it("is not needed to end the sessions of a deleted account: they are refused at once", async () => {
    const user = await createEnrolledUser();
    const browser = newBrowser();
    await signInFully(browser, user);
    expect(await currentUserId(browser)).toBe(user.id);
    await db.user.delete({ where: { id: user.id } });
    expect(await currentUserId(browser)).toBeNull();
  });
});
