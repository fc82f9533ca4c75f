/** @jest-environment node */
import {
  describeBrowser,
  describeIp,
  maskEmail,
  UNKNOWN_ADDRESS,
  UNKNOWN_BROWSER,
} from "@/lib/server/platform/request-labels";

// Real User-Agent headers as these browsers send them.
const USER_AGENTS: [name: string, header: string, label: string][] = [
  [
    "Chrome on Linux",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36",
    "Chrome 156 on Linux",
  ],
  [
    "headless Chromium on Linux",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.7790.0 Safari/537.36",
    "Chrome 156 on Linux",
  ],
  [
    "Safari on macOS",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    "Safari 18 on macOS",
  ],
  [
    "Firefox on Windows",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Firefox 133 on Windows",
  ],
  [
    "Edge on Windows",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86",
    "Microsoft Edge 131 on Windows",
  ],
  [
    "Safari on an iPhone",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Safari 18 on iOS",
  ],
  [
    "Chrome on Android",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.135 Mobile Safari/537.36",
    "Chrome 131 on Android",
  ],
];

describe("describeBrowser", () => {
  it.each(USER_AGENTS)("names %s as a person reads it", (_name, header, label) => {
    expect(describeBrowser(header)).toBe(label);
  });

  it("never shows the raw header", () => {
    for (const [, header] of USER_AGENTS) expect(describeBrowser(header)).not.toMatch(/Mozilla|KHTML|\//);
  });

  it("says the browser is unknown for a command-line client it cannot name", () => {
    expect(describeBrowser("curl/8.5.0")).toBe(UNKNOWN_BROWSER);
  });

  it.each([
    ["an empty header", ""],
    ["only spaces", "   "],
    ["no header", null],
    ["an unset header", undefined],
  ])("says the browser is unknown for %s", (_name, header) => {
    expect(describeBrowser(header)).toBe(UNKNOWN_BROWSER);
  });

  it("answers quickly and briefly for 10,000 characters of junk", () => {
    const junk = [
      "x".repeat(10_000),
      `Mozilla/5.0 (${"a; ".repeat(3_334)}`,
      `Chrome/${"1.".repeat(5_000)}`,
      `${"(".repeat(10_000)}`,
      Array.from({ length: 10_000 }, (_, i) => String.fromCharCode(32 + ((i * 7919) % 95))).join(""),
    ];
    for (const header of junk) {
      const started = performance.now();
      const label = describeBrowser(header);
      expect(performance.now() - started).toBeLessThan(50);
      expect(label.length).toBeLessThan(60);
      expect(label).not.toContain("1.1.1");
    }
  });
});

describe("describeIp", () => {
  it("shows an IPv4 address reached over IPv6 as the IPv4 address", () => {
    expect(describeIp("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(describeIp("::FFFF:198.51.100.1")).toBe("198.51.100.1");
  });

  it("says when the browser ran on the server's own machine", () => {
    expect(describeIp("::1")).toBe("the server itself (::1)");
    expect(describeIp("127.0.0.1")).toBe("the server itself (127.0.0.1)");
    expect(describeIp("::ffff:127.0.0.1")).toBe("the server itself (127.0.0.1)");
  });

  it("shows other addresses as they are", () => {
    expect(describeIp("203.0.113.7")).toBe("203.0.113.7");
    expect(describeIp("2001:db8::7")).toBe("2001:db8::7");
  });

  it.each([["unknown"], [""], [null], [undefined], ["::ffff:not-an-ip"], ["999.1.1.1"]])(
    "says the address is unknown for %p",
    (ip) => {
      expect(describeIp(ip)).toBe(UNKNOWN_ADDRESS);
    },
  );
});

describe("maskEmail", () => {
  it("keeps the first letter and the domain, enough to recognise and not to harvest", () => {
    expect(maskEmail("new.ada@example.org")).toBe("n***@example.org");
    expect(maskEmail("b@example.test")).toBe("b***@example.test");
  });
});
