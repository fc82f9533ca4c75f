import "server-only";
import net from "node:net";
import Bowser from "bowser";

// How a recorded request reads to a person, in the settings page and in every
// security email: "Chrome 156 on Linux", never the raw User-Agent header (kept
// as recorded in the database). Parsed at display time, so that a better
// parser later improves old events too.

export const UNKNOWN_BROWSER = "Unknown browser";
export const UNKNOWN_ADDRESS = "Unknown address";

// request-context.ts stores at most 256 characters; the cap also bounds the
// parser's work for any other caller.
const MAX_USER_AGENT_LENGTH = 512;

export function describeBrowser(userAgent: string | null | undefined): string {
  const header = userAgent?.slice(0, MAX_USER_AGENT_LENGTH).trim();
  if (!header) return UNKNOWN_BROWSER;
  let parsed: Bowser.Parser.ParsedResult;
  try {
    parsed = Bowser.parse(header);
  } catch {
    return UNKNOWN_BROWSER;
  }
  const name = parsed.browser.name?.trim();
  const major = parsed.browser.version?.split(".")[0] ?? "";
  const browser = name ? (/^\d{1,4}$/.test(major) ? `${name} ${major}` : name) : UNKNOWN_BROWSER;
  const os = parsed.os.name?.trim();
  return os ? `${browser} on ${os}` : browser;
}

const loopback = new net.BlockList();
loopback.addSubnet("127.0.0.0", 8, "ipv4");
loopback.addAddress("::1", "ipv6");

const IPV4_MAPPED_PREFIX = "::ffff:";

// An IPv4 client reached over an IPv6 socket shows as ::ffff:1.2.3.4: people
// know it as 1.2.3.4. The loopback addresses mean the browser ran on the
// server's own machine (typically in development).
export function describeIp(ip: string | null | undefined): string {
  let address = ip?.trim() ?? "";
  if (address.toLowerCase().startsWith(IPV4_MAPPED_PREFIX)) {
    const mapped = address.slice(IPV4_MAPPED_PREFIX.length);
    if (net.isIPv4(mapped)) address = mapped;
  }
  const family = net.isIP(address);
  if (family === 0) return UNKNOWN_ADDRESS;
  if (loopback.check(address, family === 4 ? "ipv4" : "ipv6")) return `the server itself (${address})`;
  return address;
}

// a***@example.com: enough to recognise, not enough to harvest.
export function maskEmail(email: string): string {
  // split() always returns at least one element: the default never applies.
  const [local = "", domain] = email.split("@");
  return `${local.slice(0, 1)}***@${domain}`;
}
