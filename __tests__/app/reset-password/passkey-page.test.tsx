/** @jest-environment node */
import { renderToStaticMarkup } from "react-dom/server";
import ResetPasswordPage from "@/app/reset-password/page";
import { Browser } from "@/__tests__/kit/browsers";
import { freshIp } from "@/__tests__/kit/names";
import { createPasskeyUser } from "@/__tests__/kit/passkey-users";
import { createEnrolledUser } from "@/__tests__/kit/users";
import { issueResetLink } from "@/lib/server/accounts/password-reset";
import { db } from "@/lib/server/platform/db";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);

// The server render of a passkey button (PasskeyCeremony shows the button once the browser runs it).
const PASSKEY_BUTTON = "Passkeys need JavaScript";

const load = (params: Record<string, string>) =>
  new Browser(freshIp()).run(async () =>
    renderToStaticMarkup(await ResetPasswordPage({ searchParams: Promise.resolve(params) })).replaceAll(
      "<!-- -->",
      "",
    ),
  );

async function linkFor(userId: string): Promise<string> {
  const issued = await issueResetLink(userId, freshIp());
  if (!issued.ok) throw new Error(`expected a link, got ${issued.reason}`);
  return issued.token;
}

describe("/reset-password with passkeys", () => {
  it("offers a passkey only to an account that has one, beside the authenticator code", async () => {
    const plain = await createEnrolledUser();
    await db.user.update({ where: { id: plain.id }, data: { emailVerifiedAt: new Date() } });
    expect(await load({ token: await linkFor(plain.id) })).not.toContain(PASSKEY_BUTTON);
    const holder = await createPasskeyUser();
    const html = await load({ token: await linkFor(holder.id) });
    expect(html).toContain(PASSKEY_BUTTON);
    expect(html).toContain("Authentication code");
    expect(html).toContain("Use a recovery code");
  });

  it("leads with the passkey for an account enrolled with one or using emailed codes, a recovery code the other way", async () => {
    for (const method of ["passkey", "email"] as const) {
      const user = await createPasskeyUser({ method });
      const html = await load({ token: await linkFor(user.id) });
      expect(html).toContain(
        `First prove it is you: use a passkey of ${user.username}, or enter one of its recovery codes.`,
      );
      expect(html).toContain(PASSKEY_BUTTON);
      expect(html).toContain("Recovery code");
      expect(html).not.toContain("Authentication code");
    }
  });
});
