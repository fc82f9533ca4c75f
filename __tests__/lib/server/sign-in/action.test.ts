/** @jest-environment node */
import { redirect } from "next/navigation";
import { z } from "zod";
import { passPasswordStep, signInFully } from "@/__tests__/kit/attacker";
import { Browser } from "@/__tests__/kit/browsers";
import { freshIp, uniqueName } from "@/__tests__/kit/names";
import { form, runAction } from "@/__tests__/kit/request-scope";
import { createEnrolledUser, rowCounts } from "@/__tests__/kit/users";
import { db } from "@/lib/server/platform/db";
import { claimWindowTry } from "@/lib/server/platform/rate-limit";
import { WorkQueue } from "@/lib/server/platform/work-queue";
import { UNAVAILABLE_MESSAGE } from "@/lib/server/platform/unavailable";
import { MESSAGES, retryMessage } from "@/lib/server/policy";
import { formAction, pageAction } from "@/lib/server/sign-in/action";
import { totpCodeSchema } from "@/lib/validations/auth";
import type { FormState } from "@/lib/validations/form-state";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/request-scope").nextHeaders);

const schema = z.object({ name: z.string().min(3, "Too short"), code: totpCodeSchema });
const ONE_TRY = { max: 1, windowMs: 60_000 };

// An action over the real rate limits: each step writes down that it ran.
function probe(guard: "none" | "session" | "signin" | "enrol", key = `probe:${uniqueName()}`) {
  const steps: string[] = [];
  const action = formAction({
    guard,
    path: "/probe",
    schema,
    values: ["name"],
    limits: async () => {
      steps.push("limits");
      return claimWindowTry(key, ONE_TRY);
    },
    run: async ({ data }): Promise<FormState> => {
      steps.push("run");
      if (data.name === "redirect") redirect("/elsewhere");
      return { message: `hello ${data.name}` };
    },
  });
  return { action, steps, key };
}

const refused = () =>
  Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });

describe("formAction", () => {
  it("answers bad input with field errors and echoed values, claiming no limit and doing no work", async () => {
    const { action, steps, key } = probe("none");
    const before = await rowCounts();
    const { result } = await runAction(() =>
      action({}, form({ name: "ab", code: "12x", password: "secret" })),
    );
    expect(result).toEqual({
      errors: { name: ["Too short"], code: ["Enter the 6-digit code from your authenticator app"] },
      values: { name: "ab" },
    });
    expect(steps).toEqual([]);
    expect(await db.rateLimit.findUnique({ where: { key } })).toBeNull();
    expect(await rowCounts()).toEqual(before);
  });

  it("claims the limit, then runs the work, echoing the values in its answer", async () => {
    const { action, steps } = probe("none");
    const { result } = await runAction(() => action({}, form({ name: "ada", code: "123456" })));
    expect(result).toEqual({ message: "hello ada", values: { name: "ada" } });
    expect(steps).toEqual(["limits", "run"]);
  });

  it("answers a refused limit with when to retry, without doing the work", async () => {
    const { action, steps } = probe("none");
    await runAction(() => action({}, form({ name: "ada", code: "123456" })));
    const { result } = await runAction(() => action({}, form({ name: "ada", code: "123456" })));
    expect(result).toEqual({ message: retryMessage(60), values: { name: "ada" } });
    expect(steps).toEqual(["limits", "run", "limits"]);
  });

  it("lets a redirect in the work pass through", async () => {
    const { action, steps } = probe("none");
    const { redirectedTo } = await runAction(() => action({}, form({ name: "redirect", code: "123456" })));
    expect(redirectedTo).toBe("/elsewhere");
    expect(steps).toEqual(["limits", "run"]);
  });

  it("answers a database outage with the unavailable message and the echoed values", async () => {
    jest.spyOn(console, "error").mockImplementation(() => {});
    const action = formAction({
      guard: "none",
      path: "/probe",
      schema,
      values: ["name"],
      run: async (): Promise<FormState> => Promise.reject(refused()),
    });
    const { result } = await runAction(() => action({}, form({ name: "ada", code: "123456" })));
    expect(result).toEqual({ message: UNAVAILABLE_MESSAGE, values: { name: "ada" } });
    jest.restoreAllMocks();
  });

  it("answers a database outage during the session check with the message, not the 503 page", async () => {
    jest.spyOn(console, "error").mockImplementation(() => {});
    const user = await createEnrolledUser();
    const browser = new Browser(freshIp());
    await signInFully(browser, user);
    const { action, steps } = probe("session");
    // A client whose every query fails the way an unreachable PostgreSQL does.
    const holder = globalThis as { prisma?: unknown };
    const saved = holder.prisma;
    holder.prisma = new Proxy(
      {},
      { get: () => new Proxy({}, { get: () => () => Promise.reject(refused()) }) },
    );
    try {
      const answer = await browser.run(() => runAction(() => action({}, form({ name: "ada" }))));
      expect(answer).toEqual({ result: { message: UNAVAILABLE_MESSAGE, values: { name: "ada" } } });
    } finally {
      holder.prisma = saved;
      jest.restoreAllMocks();
    }
    expect(steps).toEqual([]);
  });

  it("sends a visitor without a session to the sign-in page and back, before reading the form", async () => {
    const { action, steps } = probe("session");
    const stranger = new Browser(freshIp());
    const { redirectedTo } = await stranger.run(() => runAction(() => action({}, form({ name: "ab" }))));
    expect(redirectedTo).toBe("/login?callbackUrl=%2Fprobe");
    expect(steps).toEqual([]);
  });

  it("gives the work the signed-in user", async () => {
    const user = await createEnrolledUser();
    const browser = new Browser(freshIp());
    await signInFully(browser, user);
    const action = formAction({
      guard: "session",
      path: "/probe",
      run: async ({ user: signedIn }): Promise<FormState> => ({ message: signedIn.id }),
    });
    expect(await browser.run(() => action())).toEqual({ message: user.id });
  });

  it("sends a browser without a pending sign-in back to the sign-in page", async () => {
    const { action, steps } = probe("signin");
    const { redirectedTo } = await new Browser(freshIp()).run(() =>
      runAction(() => action({}, form({ name: "ada", code: "123456" }))),
    );
    expect(redirectedTo).toBe("/login?expired=1");
    expect(steps).toEqual([]);
  });

  it("answers a browser without an unconfirmed enrolment that its setup expired", async () => {
    const { action, steps } = probe("enrol");
    const user = await createEnrolledUser();
    // A pending sign-in is no enrolment.
    const browser = new Browser(freshIp());
    await passPasswordStep(browser, user);
    const { result } = await browser.run(() => runAction(() => action({}, form({ name: "ab" }))));
    expect(result).toEqual({ message: MESSAGES.setupExpired, values: { name: "ab" } });
    expect(steps).toEqual([]);
  });

  it("keeps what `base` keeps of the previous state in its own answers only", async () => {
    const action = formAction({
      guard: "none",
      path: "/probe",
      schema,
      base: (previous: FormState & { done?: boolean }) => ({ ...previous, message: undefined }),
      run: async (): Promise<FormState & { done?: boolean }> => ({ message: "ran" }),
    });
    const previous = { done: true, message: "old" };
    const invalid = await runAction(() => action(previous, form({})));
    expect(invalid.result).toMatchObject({ done: true, message: undefined });
    expect(Object.keys(invalid.result?.errors ?? {})).toEqual(["name", "code"]);
    const ran = await runAction(() => action(previous, form({ name: "ada", code: "123456" })));
    expect(ran.result).toEqual({ message: "ran" });
  });
});

describe("formAction with a queue", () => {
  const held = () => {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    return { opened, open };
  };
  const turns = async () => {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  const queued = (work: WorkQueue) => {
    const key = `probe:${uniqueName()}`;
    const steps: string[] = [];
    const action = formAction({
      guard: "none",
      path: "/probe",
      schema,
      values: ["name"],
      queue: { work, busyMessage: "Busy, come back" },
      limits: async () => {
        steps.push("limits");
        return claimWindowTry(key, ONE_TRY);
      },
      run: async ({ data }): Promise<FormState> => {
        steps.push("run");
        if (data.name === "redirect") redirect("/elsewhere");
        return { message: `hello ${data.name}` };
      },
    });
    return { action, steps, key };
  };

  it("waits for its turn rather than refusing, then does the whole work", async () => {
    const work = new WorkQueue({ concurrency: 1, maxWaiting: 5 });
    const ahead = held();
    const first = work.run(() => ahead.opened);
    const { action, steps } = queued(work);
    const answer = runAction(() => action({}, form({ name: "ada", code: "123456" })));
    await turns();
    expect(steps).toEqual([]);
    expect(work.waiting).toBe(1);
    ahead.open();
    await first;
    expect((await answer).result).toEqual({ message: "hello ada", values: { name: "ada" } });
    expect(steps).toEqual(["limits", "run"]);
  });

  it("answers a full queue with its message at once, claiming no limit and doing no work", async () => {
    const work = new WorkQueue({ concurrency: 1, maxWaiting: 0 });
    const ahead = held();
    const first = work.run(() => ahead.opened);
    const { action, steps, key } = queued(work);
    const { result } = await runAction(() => action({}, form({ name: "ada", code: "123456" })));
    expect(result).toEqual({ message: "Busy, come back", values: { name: "ada" } });
    expect(steps).toEqual([]);
    expect(await db.rateLimit.findUnique({ where: { key } })).toBeNull();
    ahead.open();
    await first;
  });

  it("lets a redirect in the work pass through and frees the place", async () => {
    const work = new WorkQueue({ concurrency: 1, maxWaiting: 0 });
    const { action } = queued(work);
    const { redirectedTo } = await runAction(() => action({}, form({ name: "redirect", code: "123456" })));
    expect(redirectedTo).toBe("/elsewhere");
    expect(work.running).toBe(0);
  });
});

describe("pageAction", () => {
  it("sends a database outage to the 503 page, with a way back", async () => {
    jest.spyOn(console, "error").mockImplementation(() => {});
    const action = pageAction({ guard: "none", path: "/probe", run: () => Promise.reject(refused()) });
    expect(await runAction(action)).toEqual({ redirectedTo: "/unavailable?from=%2Fprobe" });
    jest.restoreAllMocks();
  });

  it("sends a visitor without a session to the sign-in page, doing no work", async () => {
    const run = jest.fn(async () => {});
    const action = pageAction({ guard: "session", path: "/probe/page", run });
    const { redirectedTo } = await new Browser(freshIp()).run(() => runAction(action));
    expect(redirectedTo).toBe("/login?callbackUrl=%2Fprobe%2Fpage");
    expect(run).not.toHaveBeenCalled();
  });

  it("lets the work's redirect pass through", async () => {
    const action = pageAction({ guard: "none", path: "/probe", run: async () => redirect("/done") });
    expect(await runAction(action)).toEqual({ redirectedTo: "/done" });
  });
});
