/** @jest-environment node */
import { WorkQueue } from "@/lib/server/platform/work-queue";

// Enough loop turns for a handed-over place to start its task (the hand-over,
// the admission, the one turn every task waits).
async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

// `count` tasks, each held until its gate opens; `started` lists them as they begin.
function heldTasks(queue: WorkQueue, count: number) {
  const gates = Array.from({ length: count }, gate);
  const started: number[] = [];
  const outcomes = gates.map((g, n) =>
    queue.run(async () => {
      started.push(n);
      await g.opened;
      return n;
    }),
  );
  return { gates, started, outcomes };
}

describe("WorkQueue", () => {
  it("runs at most its concurrency at once and starts the others in arrival order", async () => {
    const queue = new WorkQueue({ concurrency: 2, maxWaiting: 10 });
    const { gates, started, outcomes } = heldTasks(queue, 5);
    await settle();
    expect(started).toEqual([0, 1]);
    expect(queue.running).toBe(2);
    expect(queue.waiting).toBe(3);
    gates[1].open();
    await settle();
    expect(started).toEqual([0, 1, 2]);
    gates[0].open();
    await settle();
    expect(started).toEqual([0, 1, 2, 3]);
    gates.forEach((g) => g.open());
    await expect(Promise.all(outcomes)).resolves.toEqual(
      [0, 1, 2, 3, 4].map((value) => ({ admitted: true, value })),
    );
    expect(queue.running).toBe(0);
    expect(queue.waiting).toBe(0);
  });

  it("never lets a newcomer jump the line: a raised limit starts those waiting first", async () => {
    let limit = 1;
    const queue = new WorkQueue({ concurrency: () => limit, maxWaiting: 10 });
    const { gates, started } = heldTasks(queue, 3);
    await settle();
    expect(started).toEqual([0]);
    limit = 3;
    const late = queue.run(async () => started.push(99));
    await settle();
    expect(started).toEqual([0, 1, 2]);
    gates[0].open();
    await settle();
    expect(started).toEqual([0, 1, 2, 99]);
    gates.forEach((g) => g.open());
    await late;
  });

  it("keeps every task waiting rather than refusing it, up to maxWaiting", async () => {
    const queue = new WorkQueue({ concurrency: 1, maxWaiting: 20 });
    const { gates, outcomes } = heldTasks(queue, 21);
    await settle();
    expect(queue.waiting).toBe(20);
    gates.forEach((g) => g.open());
    const answers = await Promise.all(outcomes);
    expect(answers.every((answer) => answer.admitted)).toBe(true);
  });

  it("refuses at once, without running it, a task past maxWaiting", async () => {
    const queue = new WorkQueue({ concurrency: 1, maxWaiting: 2 });
    const { gates, started, outcomes } = heldTasks(queue, 3);
    await settle();
    let ran = false;
    await expect(queue.run(async () => (ran = true))).resolves.toEqual({ admitted: false });
    expect(ran).toBe(false);
    expect(queue.waiting).toBe(2);
    gates.forEach((g) => g.open());
    await Promise.all(outcomes);
    expect(started).toEqual([0, 1, 2]);
    // Room again once the line has moved.
    await expect(queue.run(async () => "later")).resolves.toEqual({ admitted: true, value: "later" });
  });

  it("takes fewer at once while its concurrency says so, and more again after", async () => {
    let limit = 3;
    const queue = new WorkQueue({ concurrency: () => limit, maxWaiting: 10 });
    const first = heldTasks(queue, 2);
    await settle();
    limit = 1;
    const second = heldTasks(queue, 3);
    await settle();
    // Two were running when the limit fell to one: nothing more starts until both end.
    expect(second.started).toEqual([]);
    first.gates[0].open();
    await settle();
    expect(second.started).toEqual([]);
    first.gates[1].open();
    await settle();
    expect(second.started).toEqual([0]);
    limit = 3;
    second.gates[0].open();
    await settle();
    expect(second.started).toEqual([0, 1, 2]);
    second.gates.forEach((g) => g.open());
    await Promise.all(second.outcomes);
  });

  it("waits for its admission before each task starts, holding the task's place", async () => {
    const admission = gate();
    const queue = new WorkQueue({ concurrency: 1, maxWaiting: 10, admit: () => admission.opened });
    const { gates, started, outcomes } = heldTasks(queue, 2);
    await settle();
    expect(started).toEqual([]);
    expect(queue.running).toBe(1);
    expect(queue.waiting).toBe(1);
    admission.open();
    await settle();
    expect(started).toEqual([0]);
    gates.forEach((g) => g.open());
    await Promise.all(outcomes);
    expect(started).toEqual([0, 1]);
  });

  it("frees the place of a task that failed, and passes its error on", async () => {
    const queue = new WorkQueue({ concurrency: 1, maxWaiting: 10 });
    await expect(queue.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(queue.run(async () => "next")).resolves.toEqual({ admitted: true, value: "next" });
    expect(queue.running).toBe(0);
  });

  it("refuses a concurrency below one or a negative number of waiting places", () => {
    expect(() => new WorkQueue({ concurrency: 0, maxWaiting: 1 })).toThrow(RangeError);
    expect(() => new WorkQueue({ concurrency: 1, maxWaiting: -1 })).toThrow(RangeError);
    const queue = new WorkQueue({ concurrency: () => 0, maxWaiting: 1 });
    return expect(queue.run(async () => "never")).rejects.toThrow(RangeError);
  });
});
