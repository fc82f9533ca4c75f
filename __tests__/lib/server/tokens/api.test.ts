/** @jest-environment node */
import { freshIp } from "@/__tests__/kit/names";
import { db } from "@/lib/server/platform/db";
import { apiRoute, jsonError, methodNotAllowed, readBodyWithLimit } from "@/lib/server/tokens/api";

const request = (ip = freshIp(), init: RequestInit = {}) => {
  const headers = new Headers(init.headers);
  headers.set("x-forwarded-for", ip);
  return new Request("http://localhost:3000/api/test", { ...init, headers });
};

describe("jsonError", () => {
  it("answers JSON with the status, the error, its description and extra headers", async () => {
    const response = jsonError(418, "teapot", "I am a teapot.", { "X-Extra": "1" });
    expect(response.status).toBe(418);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.headers.get("x-extra")).toBe("1");
    expect(await response.json()).toEqual({ error: "teapot", error_description: "I am a teapot." });
  });
});

describe("apiRoute", () => {
  it("passes the request to the handler and answers what it answers", async () => {
    const route = apiRoute("test-pass", async (req) => Response.json({ path: new URL(req.url).pathname }));
    const response = await route(request());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ path: "/api/test" });
  });

  it("limits each client address per route to 60 a minute, then 429 with Retry-After, without calling the handler", async () => {
    const ip = freshIp();
    let calls = 0;
    const route = apiRoute("test-limit", async () => {
      calls += 1;
      return new Response("ok");
    });
    for (let i = 0; i < 60; i++) expect((await route(request(ip))).status).toBe(200);
    const limited = await route(request(ip));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ error: "rate_limited" });
    expect(calls).toBe(60);
    // Another route, or another address, has its own allowance.
    expect((await apiRoute("test-limit-other", async () => new Response("ok"))(request(ip))).status).toBe(
      200,
    );
    expect((await route(request(freshIp()))).status).toBe(200);
    expect(await db.rateLimit.count({ where: { key: `api:test-limit:ip:${ip}` } })).toBe(1);
  });

  it("answers a plain 500 for an unexpected failure, logging only the error's name", async () => {
    const errors = jest.spyOn(console, "error").mockImplementation(() => {});
    try {
      const route = apiRoute("test-throw", async () => {
        throw new RangeError("secret token abc.def.ghi");
      });
      const response = await route(request());
      expect(response.status).toBe(500);
      expect(await response.json()).toMatchObject({ error: "internal_error" });
      expect(errors.mock.calls).toEqual([["[api] test-throw failed: RangeError"]]);
    } finally {
      errors.mockRestore();
    }
  });
});

describe("methodNotAllowed", () => {
  it("answers 405 naming the allowed method", async () => {
    const response = await methodNotAllowed("POST")();
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
    expect(await response.json()).toEqual({ error: "method_not_allowed", error_description: "Use POST." });
  });
});

describe("readBodyWithLimit", () => {
  const post = (body: BodyInit | null, headers: Record<string, string> = {}) =>
    new Request("http://localhost:3000/api/test", {
      method: "POST",
      body,
      headers,
      duplex: "half",
    } as RequestInit);

  it("reads a body up to the limit", async () => {
    expect(await readBodyWithLimit(post("hello"), 5)).toBe("hello");
    expect(await readBodyWithLimit(post(null), 5)).toBe("");
  });

  it("refuses a declared length over the limit without reading the body", async () => {
    expect(await readBodyWithLimit(post("hi", { "content-length": "999999" }), 10)).toBeNull();
  });

  it("refuses a streamed body once it passes the limit", async () => {
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(4));
        if (pulled > 1000) controller.close();
      },
    });
    expect(await readBodyWithLimit(post(stream), 10)).toBeNull();
    expect(pulled).toBeLessThan(10);
  });
});
