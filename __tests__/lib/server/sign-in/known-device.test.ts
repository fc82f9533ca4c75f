/** @jest-environment node */
import { Browser } from "@/__tests__/kit/browsers";
import { freshIp } from "@/__tests__/kit/names";
import { keyedHash } from "@/lib/server/platform/keyed-hash";
import { LIFETIMES, subjects } from "@/lib/server/policy";
import { limitSubject, passwordLimitSubject, rememberDevice } from "@/lib/server/sign-in/known-device";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);

const COOKIE = "known-device";

async function rememberedBrowser(userId: string): Promise<{ browser: Browser; nonce: string }> {
  const browser = new Browser(freshIp());
  await browser.run(() => rememberDevice(userId));
  const [, nonce] = (browser.cookies.get(COOKIE) ?? "").split(".");
  return { browser, nonce };
}

describe("rememberDevice", () => {
  it("sets an HttpOnly, 180-day cookie naming the account, a random nonce and their HMAC", async () => {
    const { browser, nonce } = await rememberedBrowser("user-1");
    const [owner, , mac, ...rest] = (browser.cookies.get(COOKIE) as string).split(".");
    expect([owner, rest]).toEqual(["user-1", []]);
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(mac).toBe(keyedHash("known-device", `user-1.${nonce}`));
    expect(browser.cookieOptions.get(COOKIE)).toEqual({
      httpOnly: true,
      sameSite: "lax",
      path: "/",
      secure: false,
      maxAge: LIFETIMES.knownDeviceSeconds,
    });
    const again = await rememberedBrowser("user-1");
    expect(again.nonce).not.toBe(nonce);
  });
});

describe("limitSubject", () => {
  it("counts a remembered browser's tries for itself", async () => {
    const { browser, nonce } = await rememberedBrowser("user-1");
    expect(await browser.run(() => limitSubject("user-1"))).toBe(subjects.device("user-1", nonce));
  });

  it("counts for the account without the cookie, for another account, or with a forged cookie", async () => {
    const { browser, nonce } = await rememberedBrowser("user-1");
    expect(await new Browser(freshIp()).run(() => limitSubject("user-1"))).toBe(subjects.account("user-1"));
    expect(await browser.run(() => limitSubject("user-2"))).toBe(subjects.account("user-2"));
    const mac = keyedHash("known-device", `user-1.${nonce}`);
    for (const forged of [
      `user-2.${nonce}.${mac}`,
      `user-1.other-nonce.${mac}`,
      `user-1.${nonce}.${mac.replace(/^./, (c) => (c === "0" ? "1" : "0"))}`,
      `user-1.${nonce}.${mac}.extra`,
      `user-1.${nonce}`,
      "",
    ]) {
      browser.cookies.set(COOKIE, forged);
      expect(await browser.run(() => limitSubject("user-1"))).toBe(subjects.account("user-1"));
    }
  });
});

describe("passwordLimitSubject", () => {
  it("counts a typed name by its keyed hash, the same whether or not it has an account", async () => {
    const browser = new Browser(freshIp());
    const named = subjects.name(keyedHash("password-limit-name", "alice"));
    expect(await browser.run(() => passwordLimitSubject("alice", null))).toBe(named);
    expect(await browser.run(() => passwordLimitSubject("alice", "user-1"))).toBe(named);
    expect(named).not.toContain("alice");
    expect(await browser.run(() => passwordLimitSubject("alice@example.test", "user-1"))).not.toBe(named);
  });

  it("counts a remembered browser's password tries for itself, never the account's", async () => {
    const { browser, nonce } = await rememberedBrowser("user-1");
    expect(await browser.run(() => passwordLimitSubject("alice", "user-1"))).toBe(
      subjects.device("user-1", nonce),
    );
    expect(await browser.run(() => passwordLimitSubject("bob", "user-2"))).toBe(
      subjects.name(keyedHash("password-limit-name", "bob")),
    );
  });
});
