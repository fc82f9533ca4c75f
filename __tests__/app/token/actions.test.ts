/** @jest-environment node */
import { issueTokenAction } from "@/app/token/actions";
import { signInFully } from "@/__tests__/kit/attacker";
import { Browser } from "@/__tests__/kit/browsers";
import { freshIp } from "@/__tests__/kit/names";
import { runAction } from "@/__tests__/kit/request-scope";
import { createEnrolledUser } from "@/__tests__/kit/users";
import { db } from "@/lib/server/platform/db";
import { currentAccessToken, validateAccessToken } from "@/lib/server/tokens/access-tokens";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/browsers").nextHeaders);

describe('"Issue a new token" on /token', () => {
  it("revokes the token the page showed, and shows the new one", async () => {
    const user = await createEnrolledUser();
    const browser = new Browser(freshIp());
    await signInFully(browser, user);
    const row = () => db.user.findUniqueOrThrow({ where: { id: user.id } });
    const shown = (await currentAccessToken(await row()))!;

    const { redirectedTo } = await browser.run(() => runAction(() => issueTokenAction()));
    expect(redirectedTo).toBe("/token?issued=1");
    expect(await validateAccessToken(shown.token)).toEqual({ valid: false, reason: "revoked" });
    const next = (await currentAccessToken(await row()))!;
    expect(next.claims.jti).not.toBe(shown.claims.jti);
    expect((await validateAccessToken(next.token)).valid).toBe(true);
  });
});
