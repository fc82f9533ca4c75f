/** @jest-environment node */
import {
  appOrigin,
  hasJunkCallbackParam,
  isCrossSiteWrite,
  isMalformedFormPost,
  withoutJunkCallbackCookie,
} from "@/lib/auth/request-guards";

const ORIGINS = ["http://localhost:3000"];
const FORM_ONLY = "40" + "a".repeat(40);
const STATE_AND_FORM = "60" + "a".repeat(40);

describe("appOrigin", () => {
  it("is APP_URL's origin, and localhost's when APP_URL is unset or not a URL", () => {
    const saved = process.env.APP_URL;
    try {
      process.env.APP_URL = "https://app.example.test/some/path";
      expect(appOrigin()).toBe("https://app.example.test");
      delete process.env.APP_URL;
      expect(appOrigin()).toBe("http://localhost:3000");
      process.env.APP_URL = "not a url";
      expect(appOrigin()).toBe("http://localhost:3000");
    } finally {
      process.env.APP_URL = saved;
    }
  });
});

describe("isCrossSiteWrite", () => {
  const request = (method: string, headers: Record<string, string>) =>
    new Request("http://localhost:3000/login", { method, headers });

  it("refuses a write whose Origin is another site's", () => {
    expect(isCrossSiteWrite(request("POST", { origin: "https://evil.example" }), ORIGINS)).toBe(true);
    expect(isCrossSiteWrite(request("DELETE", { origin: "null" }), ORIGINS)).toBe(true);
  });

  it("lets this site's writes and every read through", () => {
    expect(isCrossSiteWrite(request("POST", { origin: "http://localhost:3000" }), ORIGINS)).toBe(false);
    expect(isCrossSiteWrite(request("GET", { origin: "https://evil.example" }), ORIGINS)).toBe(false);
  });

  it("without an Origin, goes by Sec-Fetch-Site, and lets a non-browser client through", () => {
    expect(isCrossSiteWrite(request("POST", { "sec-fetch-site": "cross-site" }), ORIGINS)).toBe(true);
    expect(isCrossSiteWrite(request("POST", { "sec-fetch-site": "same-origin" }), ORIGINS)).toBe(false);
    expect(isCrossSiteWrite(request("POST", {}), ORIGINS)).toBe(false);
  });

  it("never trusts an origin derived from Host", () => {
    const forged = request("POST", { origin: "https://evil.example", host: "evil.example" });
    expect(isCrossSiteWrite(forged, ORIGINS)).toBe(true);
  });
});

describe("withoutJunkCallbackCookie", () => {
  it("is null when the cookies are fine, or there are none", () => {
    expect(withoutJunkCallbackCookie(null)).toBeNull();
    expect(withoutJunkCallbackCookie("a=1; authjs.callback-url=http://localhost:3000/")).toBeNull();
    expect(withoutJunkCallbackCookie("authjs.callback-url=/dashboard")).toBeNull();
  });

  it("drops a callback-url cookie that is not a URL and keeps the others", () => {
    expect(withoutJunkCallbackCookie("a=1; authjs.callback-url=javascript:alert(1); b=2")).toBe("a=1; b=2");
    expect(withoutJunkCallbackCookie("__Secure-authjs.callback-url=%ZZ; c=3")).toBe("c=3");
    expect(withoutJunkCallbackCookie("authjs.callback-url")).toBe("");
  });
});

describe("hasJunkCallbackParam", () => {
  it("flags a callbackUrl that is not an http URL, only on next-auth's routes", () => {
    expect(
      hasJunkCallbackParam(new URL("http://localhost:3000/api/auth/signin?callbackUrl=javascript:x")),
    ).toBe(true);
    expect(
      hasJunkCallbackParam(new URL("http://localhost:3000/api/auth/signin?callbackUrl=/dashboard")),
    ).toBe(false);
    expect(hasJunkCallbackParam(new URL("http://localhost:3000/login?callbackUrl=javascript:x"))).toBe(false);
  });
});

describe("isMalformedFormPost", () => {
  const post = (form: FormData | string, headers: Record<string, string> = {}) =>
    new Request("http://localhost:3000/login", { method: "POST", body: form, headers });
  const fields = (entries: Record<string, string>) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(entries)) form.set(name, value);
    return form;
  };

  it("takes the hidden fields React renders for a form with or without bound state", async () => {
    expect(
      await isMalformedFormPost(post(fields({ [`$ACTION_ID_${FORM_ONLY}`]: "", identifier: "a" }))),
    ).toBe(false);
    const bound = fields({
      $ACTION_REF_1: "",
      "$ACTION_1:0": JSON.stringify({ id: STATE_AND_FORM, bound: "$@1" }),
      "$ACTION_1:1": "[{}]",
      identifier: "a",
    });
    expect(await isMalformedFormPost(post(bound))).toBe(false);
  });

  it("ignores what is not a no-JavaScript form post", async () => {
    expect(
      await isMalformedFormPost(post("a=1", { "content-type": "application/x-www-form-urlencoded" })),
    ).toBe(false);
    expect(await isMalformedFormPost(new Request("http://localhost:3000/login"))).toBe(false);
  });

  it.each([
    ["an action id whose arity does not fit", { [`$ACTION_ID_${STATE_AND_FORM}`]: "" }],
    ["a descriptor that is not JSON", { $ACTION_REF_1: "", "$ACTION_1:0": "{" }],
    [
      "a missing bound row",
      { $ACTION_REF_1: "", "$ACTION_1:0": JSON.stringify({ id: STATE_AND_FORM, bound: "$@1" }) },
    ],
    [
      "a bound row that refers elsewhere",
      {
        $ACTION_REF_1: "",
        "$ACTION_1:0": JSON.stringify({ id: STATE_AND_FORM, bound: "$@1" }),
        "$ACTION_1:1": '["$Q2"]',
      },
    ],
    [
      "bound state of the wrong length",
      {
        $ACTION_REF_1: "",
        "$ACTION_1:0": JSON.stringify({ id: STATE_AND_FORM, bound: "$@1" }),
        "$ACTION_1:1": "[{}, {}]",
      },
    ],
  ])("refuses %s", async (_name, entries) => {
    expect(await isMalformedFormPost(post(fields(entries)))).toBe(true);
  });

  it("refuses a multipart body that does not parse", async () => {
    const request = post("--x\r\nnot a part", { "content-type": "multipart/form-data; boundary=x" });
    expect(await isMalformedFormPost(request)).toBe(true);
  });
});
