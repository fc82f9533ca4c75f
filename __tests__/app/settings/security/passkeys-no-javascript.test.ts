/** @jest-environment node */
import { randomBytes } from "node:crypto";
import { openFreshDatabase } from "@/__tests__/attacks/fuzz-kit";
import {
  enterCode,
  enterPassword,
  getPage,
  hiddenFields,
  newBrowser,
  postForm,
  submitForm,
  type Answer,
  type Browser,
} from "@/__tests__/kit/forms";
import { freshIp } from "@/__tests__/kit/names";
import { startTestApp, type AppServer } from "@/__tests__/kit/next-server";
import { createEnrolledUser, currentCode, type TestUser } from "@/__tests__/kit/users";
import { db } from "@/lib/server/platform/db";

// The Passkeys section as a browser without JavaScript sees it, against
// `next start`: the list, rename and both steps of a removal are plain form
// posts; only "Add a passkey" needs JavaScript, and says so.
const databaseUrl = openFreshDatabase("passkeys-no-js");
jest.setTimeout(600_000);

let app: AppServer;
const SETTINGS = "/settings/security";

beforeAll(async () => {
  app = await startTestApp({ databaseUrl, outbox: "outbox-passkeys-no-js" });
});

afterAll(async () => {
  await app?.stop();
});

async function signedIn(): Promise<{ browser: Browser; user: TestUser; passkeyId: string }> {
  const user = await createEnrolledUser();
  const { id: passkeyId } = await db.passkey.create({
    data: {
      userId: user.id,
      credentialId: randomBytes(16).toString("base64url"),
      publicKey: new Uint8Array(randomBytes(77)),
      counter: 0,
      deviceType: "singleDevice",
      backedUp: false,
      name: "Desk key",
    },
  });
  const browser = newBrowser(app.origin, freshIp());
  const password = await enterPassword(browser, user.username, user.password);
  const done = await enterCode(browser, password.location ?? "", await currentCode(user.secret));
  expect(done.location).toBe("/dashboard");
  return { browser, user, passkeyId };
}

// The next form of an answer the server rendered, filled and posted.
const submitRendered = (browser: Browser, answer: Answer, marker: string, values: Record<string, string>) =>
  postForm(browser, SETTINGS, hiddenFields(answer.html, marker), values);

describe("the Passkeys section without JavaScript", () => {
  it("lists the passkeys, and says that adding one needs JavaScript", async () => {
    const { browser } = await signedIn();
    const page = await getPage(browser, SETTINGS);
    expect(page.status).toBe(200);
    expect(page.html).toMatch(/data-testid="passkey"[\s\S]*Desk key[\s\S]*Never used/);
    expect(page.html).toMatch(/<noscript>[^<]*<p[^>]*>Passkeys need JavaScript/);
    expect(page.html).not.toContain(">Add a passkey</button>");
  });

  it("renames a passkey", async () => {
    const { browser, passkeyId } = await signedIn();
    const answer = await submitForm(browser, SETTINGS, 'name="name"', { name: "Blue key" });
    expect(answer.status).toBe(200);
    expect(answer.html).toContain("Passkey renamed.");
    expect((await db.passkey.findUniqueOrThrow({ where: { id: passkeyId } })).name).toBe("Blue key");
  });

  it("asks for the password and a code after Remove, keeps asking after a wrong password, then removes", async () => {
    const { browser, user, passkeyId } = await signedIn();
    const asked = await submitForm(browser, SETTINGS, ">Remove</button>", {});
    expect(asked.status).toBe(200);
    expect(asked.html).toContain(">Remove passkey</button>");
    expect(asked.html).toContain(">Current password</label>");

    const wrong = await submitRendered(browser, asked, ">Remove passkey</button>", {
      password: "not the password",
      code: user.recoveryCodes[0]!,
    });
    expect(wrong.status).toBe(200);
    expect(wrong.html).toContain("That password is not right");
    expect(wrong.html).toContain(">Remove passkey</button>");
    expect(await db.passkey.count({ where: { id: passkeyId } })).toBe(1);

    const removed = await submitRendered(browser, wrong, ">Remove passkey</button>", {
      password: user.password,
      code: user.recoveryCodes[0]!,
    });
    expect(removed.status).toBe(200);
    expect(removed.html).toContain("Passkey removed.");
    expect(removed.html).not.toContain('data-testid="passkey"');
    expect(await db.passkey.count({ where: { id: passkeyId } })).toBe(0);
  });
});
