import { safeCallbackPath } from "@/lib/auth/routes";

const APP = "http://localhost:3000";

// How a browser reads a Location or href: it drops TAB, CR and LF anywhere
// and reads a backslash as a slash (WHATWG URL), then resolves it.
function whereABrowserGoes(location: string): string {
  return new URL(location.replace(/[\t\r\n]/g, ""), `${APP}/login`).origin;
}

// Known open-redirect bypasses: every one must give the fallback or a path of
// this origin that a browser also reads as this origin.
const BYPASSES: string[] = [
  "//evil.example",
  "///evil.example",
  "/\\evil.example",
  "\\\\evil.example",
  "/\\/evil.example",
  "/\t/evil.example",
  "\t//evil.example",
  "//\tevil.example",
  "/\t\\evil.example",
  "/\r/evil.example",
  "/\n/evil.example",
  "/\r\n/evil.example",
  "//evil.example\t",
  "/\u0000/evil.example",
  " //evil.example",
  "/%09/evil.example",
  "/%0a/evil.example",
  "/%0D%0A/evil.example",
  "/%2F/evil.example",
  "/%2f%2fevil.example",
  "/%5C/evil.example",
  "/%5cevil.example",
  "/.//evil.example",
  "/./\\evil.example",
  "/a/../..//evil.example",
  "/%2e%2e//evil.example",
  "/%2e/%2fevil.example",
  "https://evil.example",
  "http:evil.example",
  "http:/evil.example",
  "https:\\\\evil.example",
  "//evil.example@localhost:3000",
  "/@evil.example",
  "javascript:alert(1)",
  "JaVaScRiPt:alert(document.domain)",
  "/javascript:alert(1)",
  "\u0001javascript:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "/\uff0f/evil.example",
  "/\u2215evil.example",
  "/\u2044evil.example",
  "/\uff3cevil.example",
  "\uff0f\uff0fevil.example",
  "/\u3002evil.example",
  "/dashboard\u0085",
  "/dashboard\nSet-Cookie: x=1",
  "/login?callbackUrl=\u00e9\u4e2d",
  `/${"a".repeat(5_000)}`,
];

describe("safeCallbackPath", () => {
  it("keeps a path of this site, normalised", () => {
    expect(safeCallbackPath("/dashboard", "/", APP)).toBe("/dashboard");
    expect(safeCallbackPath("/settings/security?tab=events#recent", "/", APP)).toBe(
      "/settings/security?tab=events#recent",
    );
    expect(safeCallbackPath("/token/../dashboard", "/", APP)).toBe("/dashboard");
    expect(safeCallbackPath(`${APP}/token`, "/", APP)).toBe("/token");
  });

  it("falls back for nothing, a relative path, or another origin", () => {
    for (const value of [null, undefined, "", "dashboard", "http://localhost:3001/dashboard"]) {
      expect(safeCallbackPath(value, "/fallback", APP)).toBe("/fallback");
    }
  });

  it.each(BYPASSES.map((value) => [JSON.stringify(value), value]))(
    "never leaves the site for %s",
    (_name, value) => {
      const path = safeCallbackPath(value, "/fallback", APP);
      expect(path).toMatch(/^\/(?![/\\])[\x21-\x7e]*$/);
      expect(whereABrowserGoes(path)).toBe(APP);
      expect(new URL(path, APP).origin).toBe(APP);
    },
  );

  it("refuses every control character and backslash, raw or percent-encoded, outright", () => {
    for (const value of BYPASSES.filter((text) => /[\u0000-\u001f\\]|%(0|1|5c)/i.test(text))) {
      expect(safeCallbackPath(value, "/fallback", APP)).toBe("/fallback");
    }
  });

  it("percent-encodes unicode, so that the result always fits in a header", () => {
    expect(safeCallbackPath("/\uff0fevil.example", "/", APP)).toBe("/%EF%BC%8Fevil.example");
    expect(safeCallbackPath("/dashboard?x=\u4e2d", "/", APP)).toBe("/dashboard?x=%E4%B8%AD");
  });

  it("resolves against APP_URL by default", () => {
    expect(safeCallbackPath("http://localhost:3000/dashboard", "/")).toBe("/dashboard");
    expect(safeCallbackPath("/\t/evil.example", "/")).toBe("/");
  });
});
