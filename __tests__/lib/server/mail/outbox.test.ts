/** @jest-environment node */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const originalEnv = { ...process.env };
let dir: string;

type Outbox = typeof import("@/lib/server/mail/outbox");

// lib/server/platform/env.ts parses the environment once: fresh modules per test.
async function load(env: Record<string, string | undefined> = {}): Promise<Outbox> {
  Object.assign(process.env, { MAIL_OUTBOX_DIR: dir, ...env });
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete process.env[key];
  jest.resetModules();
  return import("@/lib/server/mail/outbox");
}

const message = (subject: string) => ({
  to: "ada@example.com",
  subject,
  html: `<!DOCTYPE html><html><head></head><body><p>${subject}</p></body></html>`,
  text: `${subject}\n`,
});
const tick = () => new Promise((resolve) => setTimeout(resolve, 3));

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(process.env.MAIL_OUTBOX_DIR ?? os.tmpdir(), "..", "outbox-test-"));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  for (const key of Object.keys(process.env)) if (!(key in originalEnv)) delete process.env[key];
  Object.assign(process.env, originalEnv);
});

describe("the outbox", () => {
  it("reads back what was written, newest first", async () => {
    const outbox = await load();
    const first = await outbox.writeToOutbox(message("First"));
    await tick();
    const second = await outbox.writeToOutbox(message("Second"));

    const listed = await outbox.listOutbox();
    expect(listed.map((mail) => mail.subject)).toEqual(["Second", "First"]);
    expect(listed.map((mail) => mail.id)).toEqual([second.id, first.id]);
    expect(listed[0]).toMatchObject({
      to: "ada@example.com",
      text: "Second\n",
      html: expect.stringContaining("<p>Second</p>"),
      file: second.file,
      date: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it("lists at most the number asked for, the newest ones", async () => {
    const outbox = await load();
    for (const subject of ["One", "Two", "Three"]) {
      await outbox.writeToOutbox(message(subject));
      await tick();
    }
    expect((await outbox.listOutbox(2)).map((mail) => mail.subject)).toEqual(["Three", "Two"]);
  });

  it("lists nothing when the outbox does not exist yet", async () => {
    const outbox = await load({ MAIL_OUTBOX_DIR: path.join(dir, "not-yet") });
    await expect(outbox.listOutbox()).resolves.toEqual([]);
  });

  it("reads a message by its id, and nothing by an id that is not an outbox folder's name", async () => {
    const outbox = await load();
    const { id } = await outbox.writeToOutbox(message("Kept"));
    // A whole message beside the outbox, for a path that climbs out of it.
    const beside = `${dir}-beside`;
    fs.cpSync(path.join(dir, id), beside, { recursive: true });
    try {
      expect((await outbox.readOutboxMail(id))?.subject).toBe("Kept");
      const name = path.basename(beside);
      for (const bad of [
        `../${name}`,
        `${id}/../../${name}`,
        `..%2F${name}`,
        beside,
        "..",
        `${id}\0`,
        id.slice(0, -1),
        "",
      ]) {
        await expect(outbox.readOutboxMail(bad)).resolves.toBeNull();
      }
    } finally {
      fs.rmSync(beside, { recursive: true, force: true });
    }
  });

  it("does not follow a link out of the outbox, even under a well-formed name", async () => {
    const outbox = await load();
    const { id } = await outbox.writeToOutbox(message("Real"));
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), "outside-"));
    try {
      for (const file of ["headers.json", "message.txt", "message.html"])
        fs.copyFileSync(path.join(dir, id, file), path.join(outside, file));
      const linkedId = "2999-01-01T00-00-00-000Z-0000beef";
      fs.symlinkSync(outside, path.join(dir, linkedId));
      const fileLinkId = "2999-01-01T00-00-00-000Z-0000cafe";
      fs.mkdirSync(path.join(dir, fileLinkId));
      fs.copyFileSync(path.join(dir, id, "headers.json"), path.join(dir, fileLinkId, "headers.json"));
      fs.copyFileSync(path.join(dir, id, "message.txt"), path.join(dir, fileLinkId, "message.txt"));
      fs.symlinkSync(path.join(outside, "message.html"), path.join(dir, fileLinkId, "message.html"));

      await expect(outbox.readOutboxMail(linkedId)).resolves.toBeNull();
      await expect(outbox.readOutboxMail(fileLinkId)).resolves.toBeNull();
      expect((await outbox.listOutbox()).map((mail) => mail.id)).toEqual([id]);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe("isDevMailboxOn", () => {
  it("is on only in development while SMTP_URL is unset", async () => {
    expect((await load({ NODE_ENV: "development", SMTP_URL: undefined })).isDevMailboxOn()).toBe(true);
    expect((await load({ NODE_ENV: "production", SMTP_URL: undefined })).isDevMailboxOn()).toBe(false);
    expect((await load({ NODE_ENV: "test", SMTP_URL: undefined })).isDevMailboxOn()).toBe(false);
    const withSmtp = await load({ NODE_ENV: "development", SMTP_URL: "smtp://127.0.0.1:2525" });
    expect(withSmtp.isDevMailboxOn()).toBe(false);
  });

  it("names the page of one message under APP_URL", async () => {
    const outbox = await load({ APP_URL: "http://127.0.0.1:4000" });
    expect(outbox.devMailboxUrl("2026-11-25T10-00-00-000Z-1a2b3c4d")).toBe(
      "http://127.0.0.1:4000/dev/mail/2026-11-25T10-00-00-000Z-1a2b3c4d",
    );
  });
});
