/** @jest-environment node */
import { browser } from "@/__tests__/kit/browsers";
import { clientIpFromForwardedFor, getRequestContext } from "@/lib/server/platform/request-context";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);

describe("clientIpFromForwardedFor", () => {
  it("takes the entry TRUSTED_PROXY_HOPS places from the right, never a forged leftmost one", () => {
    const header = "6.6.6.6, 198.51.100.4, 10.0.0.2";
    expect(clientIpFromForwardedFor(header, 1)).toBe("10.0.0.2");
    expect(clientIpFromForwardedFor(header, 2)).toBe("198.51.100.4");
    expect(clientIpFromForwardedFor(header, 3)).toBe("6.6.6.6");
  });

  it("takes the leftmost entry when there are fewer entries than hops", () => {
    expect(clientIpFromForwardedFor("198.51.100.4", 3)).toBe("198.51.100.4");
  });

  it("accepts IPv6 and ignores blanks and spaces", () => {
    expect(clientIpFromForwardedFor(" 2001:db8::1 ,, ", 1)).toBe("2001:db8::1");
  });

  it.each([
    ["no header", null, 1],
    ["an empty header", "", 1],
    ["zero trusted hops", "198.51.100.4", 0],
    ["an entry that is not an address", "198.51.100.4, <script>", 1],
    ["an overlong entry", "1".repeat(46), 1],
  ])("answers unknown for %s", (_name, header, hops) => {
    expect(clientIpFromForwardedFor(header, hops)).toBe("unknown");
  });
});

describe("getRequestContext", () => {
  it("reads the client address and the User-Agent of the request, cut to 256 characters", async () => {
    browser.reset("198.51.100.23");
    browser.userAgent = `Mozilla/5.0 ${"x".repeat(400)}`;
    try {
      const context = await getRequestContext();
      expect(context.ip).toBe("198.51.100.23");
      expect(context.userAgent).toHaveLength(256);
      expect(context.userAgent.startsWith("Mozilla/5.0 ")).toBe(true);
    } finally {
      browser.userAgent = "jest";
    }
  });
});
