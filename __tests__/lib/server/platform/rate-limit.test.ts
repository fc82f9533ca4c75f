/** @jest-environment node */
import {
  claimDelayedTry,
  claimWindowTry,
  countTowardNotice,
  delayAfterFailures,
  releaseWindowTry,
  resetTries,
  windowTriesLeft,
} from "@/lib/server/platform/rate-limit";

const key = (name: string) => `test:${name}:${Math.random().toString(36).slice(2)}`;
const limit = { max: 20, windowMs: 15 * 60_000 };

describe("window limits", () => {
  it("let exactly max of many parallel tries through, with none failing each other", async () => {
    const k = key("parallel");
    const verdicts = await Promise.all(Array.from({ length: 30 }, () => claimWindowTry(k, limit)));
    expect(verdicts.filter((verdict) => verdict.ok)).toHaveLength(20);
    for (const verdict of verdicts.filter((v) => !v.ok)) {
      expect(verdict).toEqual({ ok: false, retryAfterSeconds: expect.any(Number) });
      expect((verdict as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(800);
    }
  });

  it("open a new window once the old one has passed", async () => {
    const k = key("window");
    const start = new Date();
    for (let i = 0; i < 20; i++) await claimWindowTry(k, limit, start);
    expect((await claimWindowTry(k, limit, new Date(start.getTime() + 60_000))).ok).toBe(false);
    expect((await claimWindowTry(k, limit, new Date(start.getTime() + 15 * 60_000 + 1))).ok).toBe(true);
  });

  it("give a released try back", async () => {
    const k = key("release");
    for (let i = 0; i < 20; i++) await claimWindowTry(k, limit);
    await releaseWindowTry(k);
    expect((await claimWindowTry(k, limit)).ok).toBe(true);
    expect((await claimWindowTry(k, limit)).ok).toBe(false);
  });
});

describe("tries left in a window", () => {
  it("count down with each try and say when the window reopens", async () => {
    const k = key("left");
    const start = new Date();
    expect(await windowTriesLeft(k, limit, start)).toEqual({ left: 20, retryAfterSeconds: 0 });
    for (let i = 0; i < 19; i++) await claimWindowTry(k, limit, start);
    expect(await windowTriesLeft(k, limit, start)).toEqual({ left: 1, retryAfterSeconds: 900 });
    await claimWindowTry(k, limit, start);
    expect(await windowTriesLeft(k, limit, new Date(start.getTime() + 60_000))).toEqual({
      left: 0,
      retryAfterSeconds: 840,
    });
    expect((await windowTriesLeft(k, limit, new Date(start.getTime() + 15 * 60_000))).left).toBe(20);
  });
});

describe("growing delays", () => {
  it("double from 30 seconds after 5 failures up to 15 minutes", () => {
    expect([1, 4, 5, 6, 7, 10, 20].map(delayAfterFailures)).toEqual([
      0, 0, 30_000, 60_000, 120_000, 900_000, 900_000,
    ]);
  });

  it("hold back the sixth try until the delay has passed, and forget after a success", async () => {
    const k = key("delay");
    const start = Date.now();
    for (let i = 0; i < 5; i++) expect((await claimDelayedTry(k, new Date(start))).ok).toBe(true);
    expect(await claimDelayedTry(k, new Date(start + 10_000))).toEqual({ ok: false, retryAfterSeconds: 20 });
    expect((await claimDelayedTry(k, new Date(start + 30_000))).ok).toBe(true);
    expect((await claimDelayedTry(k, new Date(start + 60_000))).ok).toBe(false);
    await resetTries(k);
    expect((await claimDelayedTry(k, new Date(start + 60_000))).ok).toBe(true);
  });

  it("let only one of many parallel tries through once the delay is due", async () => {
    const k = key("delay-parallel");
    const start = Date.now();
    for (let i = 0; i < 5; i++) await claimDelayedTry(k, new Date(start));
    const later = new Date(start + 31_000);
    const verdicts = await Promise.all(Array.from({ length: 10 }, () => claimDelayedTry(k, later)));
    expect(verdicts.filter((verdict) => verdict.ok)).toHaveLength(1);
  });
});

describe("notice counters", () => {
  const notice = { max: 5, windowMs: 24 * 60 * 60_000 };

  it("claim the notice exactly once when many parallel events pass the threshold", async () => {
    const k = key("notice");
    const claims = await Promise.all(Array.from({ length: 12 }, () => countTowardNotice(k, notice)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await countTowardNotice(k, notice)).toBe(false);
  });

  it("claim it at the fifth event, and again in the next window", async () => {
    const k = key("notice-window");
    const start = new Date();
    const at = (ms: number) => new Date(start.getTime() + ms);
    const first = [];
    for (let i = 0; i < 7; i++) first.push(await countTowardNotice(k, notice, at(i * 60_000)));
    expect(first).toEqual([false, false, false, false, true, false, false]);
    const next = [];
    for (let i = 0; i < 5; i++) next.push(await countTowardNotice(k, notice, at(notice.windowMs + i)));
    expect(next).toEqual([false, false, false, false, true]);
  });
});
