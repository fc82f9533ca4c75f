/** @jest-environment node */
import path from "node:path";
import { openFreshDatabase } from "@/__tests__/attacks/fuzz-kit";
import {
  enterCode,
  enterPassword,
  getPage,
  hiddenFields,
  newBrowser,
  postForm,
  SESSION_COOKIE,
  submitForm,
  type Browser,
} from "@/__tests__/kit/forms";
import { freshIp } from "@/__tests__/kit/names";
import { watchOutbox } from "@/__tests__/kit/outbox";
import { startTestApp, type AppServer } from "@/__tests__/kit/next-server";
import { createEnrolledUser, currentCode, type TestUser } from "@/__tests__/kit/users";
import { db } from "@/lib/server/platform/db";

// "Delete account" as a browser without JavaScript sees it, against `next
// start`: both steps are plain form posts that the server answers by
// rendering the page again, then a redirect to the home page, signed out.
const databaseUrl = openFreshDatabase("delete-account-no-js");
const OUTBOX = "outbox-delete-account-no-js";
jest.setTimeout(600_000);

let app: AppServer;
const SETTINGS = "/settings/security";
const ASK = ">Delete account</button>";
const CONFIRM = ">Delete my account permanently</button>";

beforeAll(async () => {
  app = await startTestApp({ databaseUrl, outbox: OUTBOX });
});

afterAll(async () => {
  await app?.stop();
});

async function signedIn(): Promise<{ browser: Browser; user: TestUser }> {
  const user = await createEnrolledUser();
  const browser = newBrowser(app.origin, freshIp());
  const password = await enterPassword(browser, user.username, user.password);
  const done = await enterCode(browser, password.location ?? "", await currentCode(user.secret));
  expect(done.location).toBe("/dashboard");
  return { browser, user };
}

async function until<T>(read: () => T, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 50; i++) {
    const value = read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return read();
}

describe("Delete account without JavaScript", () => {
  it("keeps asking after a wrong password, then confirms, deletes, signs out and says so", async () => {
    const { browser, user } = await signedIn();
    const wrong = await submitForm(browser, SETTINGS, ASK, { password: "not it at all", code: "000000" });
    expect(wrong.status).toBe(200);
    expect(wrong.html).toContain("That password is not right");
    expect(wrong.html).not.toContain(CONFIRM);

    const asked = await postForm(browser, SETTINGS, hiddenFields(wrong.html, ASK), {
      password: user.password,
      code: user.recoveryCodes[0]!,
    });
    expect(asked.status).toBe(200);
    expect(asked.html).toContain(CONFIRM);
    expect(asked.html).toContain("This cannot be undone");
    expect(asked.html).toMatch(/<form[^>]*method="get"[^>]*>[\s\S]*?>Cancel<\/button>/);
    expect(await db.user.count({ where: { id: user.id } })).toBe(1);

    const sent = watchOutbox(path.join(process.env.JEST_RUN_DIR as string, OUTBOX));
    const deleted = await postForm(browser, SETTINGS, hiddenFields(asked.html, CONFIRM), {});
    expect(deleted.status).toBe(303);
    expect(deleted.location).toBe("/?deleted=1");
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
    expect(await db.user.count({ where: { id: user.id } })).toBe(0);

    const home = await getPage(browser, "/?deleted=1");
    expect(home.html).toContain("Your account was deleted.");
    expect((await getPage(browser, SETTINGS)).location).toMatch(/^\/login/);
    const mails = await until(sent, (found) => found.some((mail) => mail.to === user.email));
    // (The recovery code's notice of the first step may land here too.)
    expect(mails.filter((mail) => mail.to === user.email).map((mail) => mail.subject)).toContain(
      "Your account was deleted",
    );
  });

  it("deletes nothing when the confirmation is posted without the first step", async () => {
    const { browser, user } = await signedIn();
    const asked = await submitForm(browser, SETTINGS, ASK, {
      password: user.password,
      code: user.recoveryCodes[0]!,
    });
    const forged = hiddenFields(asked.html, CONFIRM).map(([name, value]): [string, string] =>
      name === "proof" ? [name, "a".repeat(43)] : [name, value],
    );
    const answer = await postForm(browser, SETTINGS, forged, {});
    expect(answer.status).toBe(200);
    expect(answer.html).toContain("That confirmation has expired");
    expect(answer.html).toContain(ASK);
    expect(await db.user.count({ where: { id: user.id } })).toBe(1);
  });
});
