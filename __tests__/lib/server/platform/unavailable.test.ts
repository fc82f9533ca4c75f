/** @jest-environment node */
import { redirect } from "next/navigation";
import { loginAction } from "@/app/login/actions";
import { registerAction } from "@/app/register/actions";
import { browser, form, runAction } from "@/__tests__/kit/request-scope";
import {
  orUnavailableForm,
  orUnavailablePage,
  UNAVAILABLE_MESSAGE,
  unavailablePath,
} from "@/lib/server/platform/unavailable";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/request-scope").nextHeaders);

beforeEach(() => {
  jest.spyOn(console, "error").mockImplementation(() => {});
});
afterEach(() => {
  jest.restoreAllMocks();
});

const refused = () =>
  Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });

describe("orUnavailablePage", () => {
  it("sends a page whose database is unreachable to the 503 page, with a way back", async () => {
    const { redirectedTo } = await runAction(() =>
      orUnavailablePage(Promise.reject(refused()), "/dashboard"),
    );
    expect(redirectedTo).toBe("/unavailable?from=%2Fdashboard");
  });

  it("passes results, redirects and other errors through", async () => {
    await expect(orUnavailablePage(Promise.resolve(42), "/")).resolves.toBe(42);
    const { redirectedTo } = await runAction(() =>
      orUnavailablePage(
        Promise.resolve().then(() => redirect("/login")),
        "/",
      ),
    );
    expect(redirectedTo).toBe("/login");
    await expect(orUnavailablePage(Promise.reject(new TypeError("bug")), "/")).rejects.toThrow("bug");
  });

  it("never links back to another site", () => {
    expect(unavailablePath("//evil.example/x")).toBe("/unavailable?from=%2F");
    expect(unavailablePath("https://evil.example")).toBe("/unavailable?from=%2F");
  });
});

describe("orUnavailableForm", () => {
  it("answers a form with a message, not an error, while the database is unreachable", async () => {
    const state = await orUnavailableForm(() => Promise.reject(refused()), { values: { username: "ann" } });
    expect(state).toEqual({ message: UNAVAILABLE_MESSAGE, values: { username: "ann" } });
  });

  it("rethrows every other error and lets redirects through", async () => {
    await expect(orUnavailableForm(() => Promise.reject(new TypeError("bug")), {})).rejects.toThrow("bug");
    const { redirectedTo } = await runAction(() => orUnavailableForm(async () => redirect("/setup-2fa"), {}));
    expect(redirectedTo).toBe("/setup-2fa");
  });
});

describe("sign-in and registration forms while the database is unreachable", () => {
  // A client whose every query fails the way an unreachable PostgreSQL does.
  const holder = globalThis as { prisma?: unknown };
  let saved: unknown;
  beforeEach(() => {
    browser.reset("203.0.113.40");
    saved = holder.prisma;
    const failing = () => Promise.reject(refused());
    holder.prisma = new Proxy({}, { get: () => new Proxy({}, { get: () => failing }) });
  });
  afterEach(() => {
    holder.prisma = saved;
  });

  it("the sign-in form says to try again in a moment and echoes the username only", async () => {
    const { result } = await runAction(() =>
      loginAction({}, form({ identifier: "ann", password: "correct horse battery" })),
    );
    expect(result).toEqual({ message: UNAVAILABLE_MESSAGE, values: { identifier: "ann" } });
    expect(browser.cookies.size).toBe(0);
    expect(jest.mocked(console.error).mock.calls.flat().join(" ")).not.toContain("correct horse");
  });

  it("the registration form says to try again in a moment", async () => {
    const { result } = await runAction(() =>
      registerAction(
        {},
        form({ username: "ann_b", email: "ann@example.test", password: "a long enough passphrase" }),
      ),
    );
    expect(result).toEqual({
      message: UNAVAILABLE_MESSAGE,
      values: { username: "ann_b", email: "ann@example.test" },
    });
  });
});
