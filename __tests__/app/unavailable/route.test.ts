/** @jest-environment node */
import { GET } from "@/app/unavailable/route";

const open = (query: string) => GET(new Request(`http://localhost:3000/unavailable${query}`));

describe("GET /unavailable", () => {
  it("answers 503 with Retry-After and a page that says to try again in a moment", async () => {
    const response = open("?from=%2Fdashboard");
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await response.text();
    expect(html).toContain("<h1>Temporarily unavailable</h1>");
    expect(html).toContain("try again in a moment");
    expect(html).toContain('<a href="/dashboard">Try again</a>');
  });

  it("links back only to a path of this site, normalised", async () => {
    expect(await open("?from=%2F%2Fevil.example").text()).toContain('<a href="/">Try again</a>');
    expect(await open("").text()).toContain('<a href="/">Try again</a>');
    // Browsers drop TAB, CR and LF and read "\\" as "/": each would be "//evil.example".
    for (const from of [
      "%2F%09%2Fevil.example",
      "%2F%0D%0A%2Fevil.example",
      "%2F%5Cevil.example",
      "%2F.%2F%2Fevil.example",
    ]) {
      expect(await open(`?from=${from}`).text()).toContain('<a href="/">Try again</a>');
    }
    // Normalised as a browser would request it, so no quote or bracket is left to escape.
    expect(await open("?from=%2Fx%22%3E%3Cscript%3E").text()).toContain(
      '<a href="/x%22%3E%3Cscript%3E">Try again</a>',
    );
  });
});
