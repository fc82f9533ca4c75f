/** @jest-environment node */
import {
  argumentCountFits,
  bodySizeStatus,
  isMalformedActionCall,
  isPlainReplyModel,
  MAX_FORM_BODY_BYTES,
} from "@/lib/auth/form-posts";

// Next.js action ids: 42 hex digits; the first byte's bits 6..1 say which of
// the first six parameters the action declares, bit 0 that it has more.
const actionId = (firstByte: number) => firstByte.toString(16).padStart(2, "0") + "a".repeat(40);
const NO_ARGS = actionId(0x00);
const FORM_ONLY = actionId(0x40); // (formData)
const STATE_AND_FORM = actionId(0x60); // (state, formData)
const MANY = actionId(0x01);

describe("argumentCountFits", () => {
  it("fits exactly the declared count, any count for none or more than six", () => {
    expect(argumentCountFits(FORM_ONLY, 1)).toBe(true);
    expect(argumentCountFits(FORM_ONLY, 2)).toBe(false);
    expect(argumentCountFits(STATE_AND_FORM, 2)).toBe(true);
    expect(argumentCountFits(STATE_AND_FORM, 1)).toBe(false);
    expect(argumentCountFits(NO_ARGS, 3)).toBe(true);
    expect(argumentCountFits(MANY, 9)).toBe(true);
  });

  it("refuses what is not an action id", () => {
    expect(argumentCountFits("not-an-id", 1)).toBe(false);
    expect(argumentCountFits(FORM_ONLY.slice(1), 1)).toBe(false);
    expect(argumentCountFits(FORM_ONLY.toUpperCase(), 1)).toBe(false);
  });
});

describe("isPlainReplyModel", () => {
  it.each([
    ["plain JSON", [{ a: 1, b: [true, null, "text"] }]],
    ["an escaped dollar string", ["$$5"]],
    ["the posted FormData", ["$K1"]],
    ["tagged primitives", ["$undefined", "$NaN", "$-Infinity", "$-0", "$n123", "$D2026-01-01T00:00:00.000Z"]],
  ])("takes %s", (_name, model) => {
    expect(isPlainReplyModel(model)).toBe(true);
  });

  it.each([
    ["an outlined model", ["$@1"]],
    ["a promise", ["$1"]],
    ["a map", ["$Q2"]],
    ["a server reference", ["$h3"]],
    ["a reference nested deep in an object", [{ a: { b: ["$Q1"] } }]],
    ["nesting deeper than 16", JSON.parse("[".repeat(20) + "]".repeat(20))],
  ])("refuses %s", (_name, model) => {
    expect(isPlainReplyModel(model)).toBe(false);
  });

  it("refuses a model of more than 10,000 nodes", () => {
    expect(isPlainReplyModel(Array.from({ length: 10_001 }, () => 1))).toBe(false);
    expect(isPlainReplyModel(Array.from({ length: 9_000 }, () => 1))).toBe(true);
  });
});

describe("bodySizeStatus", () => {
  const post = (body: BodyInit | null, headers: Record<string, string> = {}) =>
    new Request("http://localhost:3000/login", {
      method: "POST",
      body,
      headers,
      duplex: "half",
    } as RequestInit);

  it("lets a body within 1 MB through", async () => {
    expect(await bodySizeStatus(post("a=1", { "content-length": "3" }))).toBeNull();
    expect(await bodySizeStatus(post(null))).toBeNull();
  });

  it("answers 413 for a declared length over 1 MB and 400 for one that is not a number", async () => {
    expect(await bodySizeStatus(post("a", { "content-length": String(MAX_FORM_BODY_BYTES + 1) }))).toBe(413);
    expect(await bodySizeStatus(post("a", { "content-length": "12abc" }))).toBe(400);
    expect(await bodySizeStatus(post("a", { "content-length": "1".repeat(16) }))).toBe(400);
  });

  it("counts a streamed body without a declared length as it arrives", async () => {
    const streamOf = (chunks: number) => {
      let sent = 0;
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ === chunks) controller.close();
          else controller.enqueue(new Uint8Array(256 * 1024));
        },
      });
    };
    expect(await bodySizeStatus(post(streamOf(5)))).toBe(413);
    expect(await bodySizeStatus(post(streamOf(3)))).toBeNull();
  });
});

describe("isMalformedActionCall", () => {
  const call = (id: string, body: BodyInit, type = "text/plain;charset=UTF-8") =>
    new Request("http://localhost:3000/login", {
      method: "POST",
      body,
      headers: { "next-action": id, "content-type": type },
    });
  const multipart = (zero: string) => {
    const form = new FormData();
    form.set("0", zero);
    form.set("1_identifier", "alice");
    return form;
  };

  it("takes the calls React makes: the FormData last, as many arguments as declared", async () => {
    expect(await isMalformedActionCall(call(NO_ARGS, "[]"))).toBe(false);
    expect(await isMalformedActionCall(call(FORM_ONLY, '["$K1"]'))).toBe(false);
    const withForm = new Request("http://localhost:3000/login", {
      method: "POST",
      body: multipart('[{},"$K1"]'),
      headers: { "next-action": STATE_AND_FORM },
    });
    expect(await isMalformedActionCall(withForm)).toBe(false);
  });

  it.each([
    ["an action id that is not one", "nope", '["$K1"]'],
    ["too few arguments", STATE_AND_FORM, '["$K1"]'],
    ["a last argument that is not the FormData", FORM_ONLY, '["text"]'],
    ["arguments that are not a JSON array", FORM_ONLY, '{"0":"$K1"}'],
    ["a body that is not JSON", FORM_ONLY, "[$K1"],
    ["a reference React would resolve", FORM_ONLY, '["$@1"]'],
  ])("refuses %s", async (_name, id, body) => {
    expect(await isMalformedActionCall(call(id, body))).toBe(true);
  });

  it("refuses a body of another content type", async () => {
    expect(await isMalformedActionCall(call(FORM_ONLY, '["$K1"]', "application/json"))).toBe(true);
  });
});
