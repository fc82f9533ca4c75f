/** @jest-environment node */
import { GET } from "@/app/api/health/route";

describe("GET /api/health", () => {
  it("answers 200 {status: ok} with no session and writes no log line", async () => {
    const log = jest.spyOn(console, "log");
    const error = jest.spyOn(console, "error");
    try {
      const response = await GET();
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: "ok" });
      expect(log).not.toHaveBeenCalled();
      expect(error).not.toHaveBeenCalled();
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
  });
});
