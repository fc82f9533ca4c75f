/** @jest-environment node */
import { signOutAction } from "@/app/_components/sign-out-action";
import { GET as authGet, POST as authPost } from "@/app/api/auth/[...nextauth]/route";
import { changePasswordAction, signOutEverywhereAction } from "@/app/settings/security/actions";
import { quietAuthErrors, SESSION_COOKIE, signInFully } from "@/__tests__/kit/attacker";
import { Browser } from "@/__tests__/kit/browsers";
import { form, runAction } from "@/__tests__/kit/request-scope";
import { createEnrolledUser, currentCode, type TestUser } from "@/__tests__/kit/users";
import { freshIp } from "@/__tests__/kit/names";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);
// next/cache needs Next's request store, which jest has not (security-actions.test.ts checks the call).
jest.mock("next/cache", () => ({ revalidatePath: jest.fn() }));
quietAuthErrors();

const newBrowser = () => new Browser(freshIp());

// GET /api/auth/session as `browser` sends it, through the app's route.
async function getSession(browser: Browser): Promise<{ body: unknown; setCookie: string[] }> {
  const response = await browser.run(() =>
    authGet(new Request("http://localhost:3000/api/auth/session", { headers: browser.headers() }) as never),
  );
  expect(response.status).toBe(200);
  return { body: await response.json(), setCookie: response.headers.getSetCookie() };
}

const sessionCookieLines = (lines: string[]) => lines.filter((line) => line.startsWith(`${SESSION_COOKIE}=`));

// Signs `user` in on a second browser (a copy of the first one's cookie is
// what an attacker would hold) at a later TOTP step.
async function signedInPair(user: TestUser): Promise<{ owner: Browser; copy: Browser }> {
  const owner = newBrowser();
  await signInFully(owner, user);
  const copy = newBrowser();
  copy.cookies.set(SESSION_COOKIE, owner.cookies.get(SESSION_COOKIE) as string);
  return { owner, copy };
}

async function expectSignedOutAnswer(browser: Browser): Promise<void> {
  const { body, setCookie } = await getSession(browser);
  expect(body).toBeNull();
  const lines = sessionCookieLines(setCookie);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^${SESSION_COOKIE}=;`));
  expect(lines[0]).toMatch(/Expires=Thu, 01 Jan 1970/);
}

describe("GET /api/auth/session", () => {
  it("answers a live session with its user", async () => {
    const user = await createEnrolledUser();
    const { owner } = await signedInPair(user);
    const { body } = await getSession(owner);
    expect(body).toMatchObject({ user: { id: user.id } });
  });

  it("answers as signed out, clearing the cookie, for a session that was signed out", async () => {
    const user = await createEnrolledUser();
    const { owner, copy } = await signedInPair(user);
    await owner.run(() => runAction(() => signOutAction()));
    await expectSignedOutAnswer(copy);
  });

  it("answers as signed out, clearing the cookie, for a session older than sign out everywhere", async () => {
    const user = await createEnrolledUser();
    const { owner, copy } = await signedInPair(user);
    await owner.run(() => runAction(() => signOutEverywhereAction()));
    await expectSignedOutAnswer(copy);
  });

  it("answers as signed out, clearing the cookie, for a session older than a password change", async () => {
    const user = await createEnrolledUser();
    const { owner, copy } = await signedInPair(user);
    jest.useFakeTimers({
      now: Date.now() + 30_000,
      doNotFake: ["nextTick", "setImmediate", "queueMicrotask"],
    });
    try {
      const fields = {
        password: user.password,
        newPassword: "a fresh and quite long passphrase",
        code: await currentCode(user.secret),
      };
      const changed = await owner.run(() => runAction(() => changePasswordAction({}, form(fields))));
      expect(changed.result).toMatchObject({ done: true });
    } finally {
      jest.useRealTimers();
    }
    await expectSignedOutAnswer(copy);
    // The browser that changed it stays signed in.
    expect((await getSession(owner)).body).toMatchObject({ user: { id: user.id } });
  });

  it("re-issues nothing for a revoked session on POST either", async () => {
    const user = await createEnrolledUser();
    const { owner, copy } = await signedInPair(user);
    await owner.run(() => runAction(() => signOutAction()));
    const headers = copy.headers();
    headers.set("content-type", "application/json");
    headers.set("origin", "http://localhost:3000");
    const response = await copy.run(() =>
      authPost(
        new Request("http://localhost:3000/api/auth/session", {
          method: "POST",
          headers,
          body: "{}",
        }) as never,
      ),
    );
    expect(await response.json()).toBeNull();
    expect(sessionCookieLines(response.headers.getSetCookie())[0]).toMatch(
      new RegExp(`^${SESSION_COOKIE}=;`),
    );
  });
});
