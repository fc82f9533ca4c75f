/** @jest-environment node */
import { UNAVAILABLE_MESSAGE } from "@/lib/server/platform/unavailable";
import { enterCode, enterPassword, getPage, newBrowser, SESSION_COOKIE, submitForm } from "../kit/forms";
import type { AppServer } from "../kit/next-server";
import { startAppOnPostgres } from "../kit/pg-app";
import { startRelay, viaRelay, type Relay } from "../kit/tcp-relay";
import { createEnrolledUser, currentCode } from "../kit/users";

// Runs only under `npm run test:pg`: a real `next start` reaches PostgreSQL
// through a TCP relay that the test cuts and restores, as a network outage
// would; the server is never restarted.
const target = new URL(process.env.DATABASE_URL as string);
let relay: Relay;
let server: AppServer;

beforeAll(async () => {
  relay = await startRelay(target);
  server = await startAppOnPostgres(viaRelay(target, relay));
}, 600_000);

afterAll(async () => {
  await server?.stop();
  await relay?.cut();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("pages and forms while PostgreSQL is unreachable", () => {
  it("answer a 503 page and form messages during the outage, and work again after it without a restart", async () => {
    const user = await createEnrolledUser();
    const browser = newBrowser(server.origin, "192.0.2.60");
    const login = await enterPassword(browser, user.username, user.password);
    expect(login.status).toBe(303);
    expect(await enterCode(browser, login.location as string, await currentCode(user.secret))).toMatchObject({
      status: 303,
    });
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(true);
    expect((await getPage(browser, "/dashboard")).status).toBe(200);

    const port = relay.port;
    await relay.cut();

    for (const path of ["/dashboard", "/settings/security", "/token", "/"]) {
      const page = await getPage(browser, path);
      expect({ path, status: page.status, location: page.location }).toEqual({
        path,
        status: 307,
        location: `/unavailable?from=${encodeURIComponent(path)}`,
      });
      const unavailable = await getPage(browser, page.location as string);
      expect(unavailable.status).toBe(503);
      expect(unavailable.headers.get("retry-after")).toBe("5");
      expect(unavailable.html).toContain("Temporarily unavailable");
      expect(unavailable.html).toContain(`<a href="${path}">Try again</a>`);
    }

    // Forms posted without JavaScript get their page back with a message.
    const stranger = newBrowser(server.origin, "192.0.2.61");
    const signIn = await enterPassword(stranger, user.username, user.password);
    expect(signIn.status).toBe(200);
    expect(signIn.html).toContain(UNAVAILABLE_MESSAGE);
    const register = await submitForm(stranger, "/register", 'name="username"', {
      username: "outage_newcomer",
      email: "outage_newcomer@example.test",
      password: "a long enough passphrase",
    });
    expect(register.status).toBe(200);
    expect(register.html).toContain(UNAVAILABLE_MESSAGE);
    expect(stranger.cookies.size).toBe(0);

    relay = await startRelay(target, port);
    let dashboard = await getPage(browser, "/dashboard");
    for (let tries = 0; dashboard.status !== 200 && tries < 20; tries++) {
      await sleep(500);
      dashboard = await getPage(browser, "/dashboard");
    }
    expect(dashboard.status).toBe(200);
    expect(dashboard.html).toContain(user.username);
    expect((await enterPassword(stranger, user.username, user.password)).status).toBe(303);
    expect(server.output()).not.toMatch(/\n\s+at /);
  }, 120_000);
});
