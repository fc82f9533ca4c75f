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

  it("links back only to a path of this site, escaped", async () => {
    expect(await open("?from=%2F%2Fevil.example").text()).toContain('<a href="/">Try again</a>');
    expect(await open("").text()).toContain('<a href="/">Try again</a>');
    expect(await open("?from=%2Fx%22%3E%3Cscript%3E").text()).toContain(
      '<a href="/x&#34;&#62;&#60;script&#62;">Try again</a>',
    );
  });
});
