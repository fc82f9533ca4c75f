/** @jest-environment node */
import { Slots } from "@/lib/server/platform/slots";

const tick = () => new Promise((resolve) => setImmediate(resolve));

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe("Slots", () => {
  it("runs at most its size at once and starts the others in arrival order", async () => {
    const slots = new Slots(2);
    const gates = [gate(), gate(), gate(), gate()];
    const started: number[] = [];
    const runs = gates.map((g, n) =>
      slots.run(async () => {
        started.push(n);
        await g.opened;
        return n;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect(slots.waiting).toBe(2);
    gates[1].open();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    gates[0].open();
    gates[2].open();
    gates[3].open();
    await expect(Promise.all(runs)).resolves.toEqual([0, 1, 2, 3]);
    expect(slots.waiting).toBe(0);
  });

  it("frees the slot of a task that failed", async () => {
    const slots = new Slots(1);
    await expect(slots.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(slots.run(async () => "next")).resolves.toBe("next");
  });
});
