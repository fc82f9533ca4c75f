/** @jest-environment node */
import { forgotPasswordAction } from "@/app/forgot-password/actions";
import { Browser } from "@/__tests__/kit/browsers";
import { createAccount } from "@/__tests__/kit/account-codes";
import { freshIp, uniqueName } from "@/__tests__/kit/names";
import { watchOutbox } from "@/__tests__/kit/outbox";
import { form, runAction } from "@/__tests__/kit/request-scope";
import { subject as resetSubject } from "@/emails/password-reset";
import { db } from "@/lib/server/platform/db";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);

const ask = (identifier: string, browser = new Browser(freshIp())) =>
  browser.run(() => runAction(() => forgotPasswordAction({}, form({ identifier }))));

const linkIn = (text: string): string => {
  const match = /http:\/\/localhost:3000\/reset-password\?token=[A-Za-z0-9_-]+/.exec(text);
  if (!match) throw new Error("no reset link in the email");
  return match[0];
};

describe("asking for a reset link", () => {
  it("answers an unknown name, an unverified account and a verified one alike; only the verified one gets mail", async () => {
    const verified = await createAccount();
    const unverified = await createAccount({ verified: false });
    const mailed = watchOutbox();
    const answers = [
      await ask(uniqueName("ghost")),
      await ask(`${uniqueName("ghost")}@example.test`),
      await ask(unverified.username),
      await ask(verified.username),
      await ask(verified.email),
    ];
    // Each echoes its own name; the rest is the same.
    const withoutName = ({ result }: (typeof answers)[number]) => ({ ...result, values: undefined });
    for (const answer of answers) expect(withoutName(answer)).toEqual(withoutName(answers[0]));
    expect(answers[0].result).toMatchObject({ sent: true });
    expect(answers[0].result?.message).toBeUndefined();
    const mails = mailed();
    expect(mails.map((mail) => `${mail.subject} to ${mail.to}`)).toEqual([
      `${resetSubject} to ${verified.email}`,
      `${resetSubject} to ${verified.email}`,
    ]);
    expect(await db.accountCode.count({ where: { userId: unverified.id } })).toBe(0);
  });

  it("emails a link to /reset-password valid 30 minutes, and the database holds only its hash", async () => {
    const user = await createAccount();
    const mailed = watchOutbox();
    await ask(user.username);
    const [mail] = mailed();
    const link = new URL(linkIn(mail.text));
    const token = link.searchParams.get("token") as string;
    expect(mail.text).toContain("valid for 30 minutes");
    expect(mail.subject).not.toContain(token);
    const rows = await db.accountCode.findMany({ where: { userId: user.id } });
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(token);
    const lifetime = rows[0].expiresAt.getTime() - rows[0].createdAt.getTime();
    expect(lifetime).toBe(30 * 60_000);
  });

  it("voids the older link when a newer one is sent", async () => {
    const user = await createAccount();
    await ask(user.username);
    await ask(user.username);
    const rows = await db.accountCode.findMany({ where: { userId: user.id }, orderBy: { createdAt: "asc" } });
    expect(rows).toHaveLength(2);
    expect(rows[0].voidedAt).not.toBeNull();
    expect(rows[1].voidedAt).toBeNull();
  });

  it("gives the same answer once the account's sending limit is reached, and sends nothing more", async () => {
    const user = await createAccount();
    const mailed = watchOutbox();
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await ask(user.username));
    expect(answers[3]).toEqual(answers[0]);
    expect(mailed()).toHaveLength(3);
  });

  it("says when to try again only once the IP has asked 10 times in an hour", async () => {
    const browser = new Browser(freshIp());
    for (let i = 0; i < 10; i++)
      expect((await ask(uniqueName("ghost"), browser)).result).toMatchObject({ sent: true });
    const refused = await ask(uniqueName("ghost"), browser);
    expect(refused.result?.sent).toBeUndefined();
    expect(refused.result?.message).toMatch(/^Too many attempts\. Try again in \d+ minutes?\.$/);
  });

  it("refuses an empty or malformed name next to its field", async () => {
    const { result } = await ask("");
    expect(result?.errors?.identifier).toEqual(["Enter your username or email"]);
    expect(result?.sent).toBeUndefined();
  });
});
