import "server-only";

// At most `size` tasks run at once; the others wait their turn, first come
// first served, without holding a thread or the CPU while they wait.
export class Slots {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError("Slots need a size of at least 1");
    this.#free = size;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free -= 1;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await task();
    } finally {
      // The slot passes straight to the next in line, so no newcomer can jump the queue.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free += 1;
    }
  }
}
