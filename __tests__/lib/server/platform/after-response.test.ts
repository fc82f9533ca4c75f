/** @jest-environment node */
import { afterResponse, afterResponseOnly } from "@/lib/server/platform/after-response";

// Outside a request (as here: no Next.js request store) the task runs
// inline; inside one, Next.js's after() runs it once the response is sent.
describe("afterResponse", () => {
  it("runs the task inline outside a request, before it resolves", async () => {
    const done: string[] = [];
    await afterResponse(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      done.push("task");
    });
    expect(done).toEqual(["task"]);
  });

  it("never throws, and logs only the failed task's error name, not its message", async () => {
    const errors = jest.spyOn(console, "error").mockImplementation(() => {});
    try {
      await expect(
        afterResponse(async () => {
          throw new TypeError("code 123456 for someone@example.test");
        }),
      ).resolves.toBeUndefined();
      expect(errors).toHaveBeenCalledTimes(1);
      expect(errors.mock.calls[0]).toEqual(["[after] background task failed: TypeError"]);
      expect(JSON.stringify(errors.mock.calls)).not.toMatch(/123456|example\.test/);
    } finally {
      errors.mockRestore();
    }
  });
});

describe("afterResponseOnly", () => {
  it("runs nothing and answers false outside a request", async () => {
    const task = jest.fn(async () => undefined);
    expect(afterResponseOnly(task)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(task).not.toHaveBeenCalled();
  });
});
