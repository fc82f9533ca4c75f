/** @jest-environment node */
import fs from "node:fs";
import path from "node:path";

// README.md's Email section is what a newcomer reads to find an email: it
// must name every template there is, and show the path the mailer prints.
const root = path.resolve(__dirname, "..");
const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
const emailSection = readme.slice(readme.indexOf("\n## Email\n"), readme.indexOf("\n## Configuration\n"));

describe("README's Email section", () => {
  const templates = fs.readdirSync(path.join(root, "emails")).filter((file) => file.endsWith(".tsx"));

  it.each(templates)("names %s with its subject", (file) => {
    const source = fs.readFileSync(path.join(root, "emails", file), "utf8");
    const subject = /export const subject = "([^"]+)"/.exec(source)?.[1];
    expect(subject).toBeDefined();
    expect(emailSection).toContain(`\`${file}\``);
    expect(emailSection).toContain(subject as string);
  });

  it("shows the outbox path as the mailer prints it: absolute", () => {
    const example = /`\[mail\] "[^"]+" to \S+: (\S+)`/.exec(emailSection)?.[1];
    expect(example).toBeDefined();
    expect(path.isAbsolute(example as string)).toBe(true);
  });
});
