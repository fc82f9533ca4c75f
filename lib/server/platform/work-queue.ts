import "server-only";

export type WorkQueueOptions = {
  // Tasks running at once, at most; a function is asked again at every start
  // (fewer while pages are being viewed, lib/server/platform/foreground.ts).
  readonly concurrency: number | (() => number);
  // Tasks waiting at most: one more is refused rather than queued.
  readonly maxWaiting: number;
  // What a task whose turn has come waits for before it starts (the page
  // views in flight to end).
  readonly admit?: () => Promise<void>;
};

export type QueueOutcome<T> = { admitted: true; value: T } | { admitted: false };

// Work that competes with page renders for the one event loop (the password
// step: Next.js's action, the database, the hash) runs a few at a time, the
// rest waiting in arrival order. Node cannot pre-empt a task, so what keeps a
// page fast under a burst is how little other work is ready when it is: few
// tasks at once, and each starting only when `admit` lets it.
export class WorkQueue {
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(readonly options: WorkQueueOptions) {
    const { maxWaiting } = options;
    if (typeof options.concurrency === "number") this.#check(options.concurrency);
    if (!Number.isInteger(maxWaiting) || maxWaiting < 0)
      throw new RangeError("A work queue needs a whole number of waiting places");
  }

  #check(concurrency: number): number {
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new RangeError("A work queue needs a concurrency of at least 1");
    return concurrency;
  }

  #limit(): number {
    const { concurrency } = this.options;
    return this.#check(typeof concurrency === "number" ? concurrency : concurrency());
  }

  get running(): number {
    return this.#running;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<QueueOutcome<T>> {
    if (this.#waiting.length === 0 && this.#running < this.#limit()) this.#running += 1;
    else if (this.#waiting.length >= this.options.maxWaiting) return { admitted: false };
    else
      await new Promise<void>((resolve) => {
        this.#waiting.push(resolve);
        // A limit raised meanwhile lets those ahead start first.
        this.#pump();
      });
    try {
      await this.options.admit?.();
      return { admitted: true, value: await task() };
    } finally {
      this.#running -= 1;
      this.#pump();
    }
  }

  // Places go out in arrival order, so no newcomer jumps the line.
  #pump(): void {
    while (this.#waiting.length > 0 && this.#running < this.#limit()) {
      this.#running += 1;
      this.#waiting.shift()?.();
    }
  }
}
