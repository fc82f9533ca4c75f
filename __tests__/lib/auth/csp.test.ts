/** @jest-environment node */
import { contentSecurityPolicy } from "@/lib/auth/csp";

const directives = (policy: string): Map<string, string[]> =>
  new Map(
    policy.split("; ").map((directive) => {
      const [name, ...values] = directive.split(" ");
      return [name, values];
    }),
  );

describe("contentSecurityPolicy", () => {
  it("allows scripts only from this site with the request's nonce, and no framing, plugins or foreign forms", () => {
    const policy = directives(contentSecurityPolicy("abc123", false));
    expect(policy.get("script-src")).toEqual(["'self'", "'nonce-abc123'", "'strict-dynamic'"]);
    expect(policy.get("default-src")).toEqual(["'self'"]);
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
    expect(policy.get("object-src")).toEqual(["'none'"]);
    expect(policy.get("form-action")).toEqual(["'self'"]);
    expect(policy.get("base-uri")).toEqual(["'self'"]);
    expect(policy.get("connect-src")).toEqual(["'self'"]);
  });

  it("never allows eval or websockets in production; development gets both for its tooling", () => {
    const production = contentSecurityPolicy("n", false);
    expect(production).not.toContain("unsafe-eval");
    expect(production).not.toContain("ws:");
    const development = directives(contentSecurityPolicy("n", true));
    expect(development.get("script-src")).toContain("'unsafe-eval'");
    expect(development.get("connect-src")).toContain("ws:");
  });

  it("puts each request's own nonce in the policy", () => {
    expect(contentSecurityPolicy("first", false)).not.toBe(contentSecurityPolicy("second", false));
    expect(contentSecurityPolicy("second", false)).toContain("'nonce-second'");
  });

  it("keeps the two modes apart whichever is asked for first, with exactly one nonce", () => {
    const development = contentSecurityPolicy("dev", true);
    const production = contentSecurityPolicy("prod", false);
    expect(production).not.toContain("unsafe-eval");
    expect(production).not.toContain("'nonce-dev'");
    expect(development).toContain("'unsafe-eval'");
    expect(production.match(/'nonce-/g)).toHaveLength(1);
    expect(directives(production).get("script-src")).toEqual(["'self'", "'nonce-prod'", "'strict-dynamic'"]);
  });
});
