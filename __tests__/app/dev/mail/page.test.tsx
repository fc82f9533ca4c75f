/** @jest-environment node */
import fs from "node:fs";
import path from "node:path";

// /dev/mail and /dev/mail/<id> rendered on the server as a GET renders them
// (no JavaScript needed to read them), against a real outbox folder.
// Each test loads fresh modules (the environment is parsed once): slow on a
// busy machine.
jest.setTimeout(30_000);

const originalEnv = { ...process.env };
let dir: string;

async function load(env: Record<string, string | undefined>) {
  Object.assign(process.env, { MAIL_OUTBOX_DIR: dir }, env);
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete process.env[key];
  jest.resetModules();
  // After resetModules, so that the pages and the renderer share one React.
  const { renderToStaticMarkup } = await import("react-dom/server");
  const senders = await import("@/lib/server/mail/senders");
  const list = (await import("@/app/dev/mail/page")).default;
  const one = (await import("@/app/dev/mail/[id]/page")).default;
  return {
    senders,
    listPage: async () => renderToStaticMarkup(await list()),
    messagePage: async (id: string) => renderToStaticMarkup(await one({ params: Promise.resolve({ id }) })),
  };
}
const DEVELOPMENT = { NODE_ENV: "development", SMTP_URL: undefined };

async function notFoundStatus(render: () => Promise<unknown>): Promise<string> {
  try {
    await render();
  } catch (error) {
    return String((error as { digest?: unknown }).digest);
  }
  return "rendered";
}
const NOT_FOUND = "NEXT_HTTP_ERROR_FALLBACK;404";

const user = { username: "ada", email: "ada@example.com" };
const tick = () => new Promise((resolve) => setTimeout(resolve, 3));
const onlyId = (): string => fs.readdirSync(dir).sort().at(-1) as string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(path.dirname(process.env.MAIL_OUTBOX_DIR as string), "dev-mail-"));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  for (const key of Object.keys(process.env)) if (!(key in originalEnv)) delete process.env[key];
  Object.assign(process.env, originalEnv);
});

describe("/dev/mail", () => {
  it("lists the outbox newest first, each email's HTML in a sandboxed frame beside its text", async () => {
    const { senders, listPage } = await load(DEVELOPMENT);
    await senders.noticeWelcome(user);
    await tick();
    await senders.sendSignInCodeEmail(user.email, { username: "ada", code: "418305", expiresInMinutes: 10 });

    const html = await listPage();
    const welcome = html.indexOf("Welcome to Two-Factor App</a>");
    const code = html.indexOf("Your sign-in code</a>");
    expect(code).toBeGreaterThan(-1);
    expect(welcome).toBeGreaterThan(code);
    const frames = html.match(/<iframe[^>]*>/g) ?? [];
    expect(frames).toHaveLength(2);
    for (const frame of frames) {
      expect(frame).toContain('sandbox="allow-popups allow-popups-to-escape-sandbox"');
      expect(frame).not.toContain("allow-scripts");
      expect(frame).not.toContain("allow-same-origin");
      expect(frame).toContain("srcDoc=");
    }
    // The text part beside it, its code readable without opening the frame.
    expect(html).toMatch(/<pre[^>]*>[^<]*418305/);
    expect(html).toContain("To <span");
  });

  it("opens the email's links outside the frame, and makes the text's links clickable", async () => {
    const { senders, listPage } = await load(DEVELOPMENT);
    await senders.noticeWelcome(user);
    const html = await listPage();
    const srcdoc = /srcDoc="([^"]*)"/.exec(html)?.[1] ?? "";
    expect(srcdoc).toMatch(/&lt;head[^&]*&gt;&lt;base target=&quot;_blank&quot;&gt;/);
    expect(html).toMatch(/<pre[^>]*>[\s\S]*<a href="http:\/\/localhost:3000" target="_blank"/);
  });

  it("says so when the outbox is empty", async () => {
    const { listPage } = await load(DEVELOPMENT);
    expect(await listPage()).toContain("No emails yet.");
  });

  it("shows one email by the id the console line names", async () => {
    const { senders, messagePage } = await load(DEVELOPMENT);
    const info = jest.spyOn(console, "info").mockImplementation(() => {});
    await senders.noticeWelcome(user);
    const id = onlyId();
    expect(info.mock.calls[0]?.join(" ")).toBe(
      `[mail] "Welcome to Two-Factor App" to ${user.email}: open http://localhost:3000/dev/mail/${id}`,
    );
    info.mockRestore();
    const html = await messagePage(id);
    expect(html).toContain("Welcome to Two-Factor App</a>");
    expect(html).toContain("All emails");
  });

  it("answers 404 for an id that is not a message of the outbox, a path out of it included", async () => {
    const { senders, messagePage } = await load(DEVELOPMENT);
    await senders.noticeWelcome(user);
    const id = onlyId();
    const beside = `${dir}-beside`;
    fs.cpSync(path.join(dir, id), beside, { recursive: true });
    try {
      for (const bad of [`../${path.basename(beside)}`, `${id}/../../${path.basename(beside)}`, "x"]) {
        expect(await notFoundStatus(() => messagePage(bad))).toBe(NOT_FOUND);
      }
    } finally {
      fs.rmSync(beside, { recursive: true, force: true });
    }
  });

  it.each([
    ["under next start (NODE_ENV=production)", { NODE_ENV: "production", SMTP_URL: undefined }],
    ["under tests (NODE_ENV=test)", { NODE_ENV: "test", SMTP_URL: undefined }],
    ["in development with SMTP_URL set", { NODE_ENV: "development", SMTP_URL: "smtp://127.0.0.1:2525" }],
  ])("answers 404 %s, for the list and for a message", async (_, env) => {
    const { senders } = await load(DEVELOPMENT);
    await senders.noticeWelcome(user);
    const id = onlyId();
    const { listPage, messagePage } = await load(env);
    expect(await notFoundStatus(listPage)).toBe(NOT_FOUND);
    expect(await notFoundStatus(() => messagePage(id))).toBe(NOT_FOUND);
  });
});
