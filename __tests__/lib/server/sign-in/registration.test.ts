/** @jest-environment node */
import { createAccount, freshAddress, freshContext, later, minutes } from "@/__tests__/kit/account-codes";
import { freshIp } from "@/__tests__/kit/names";
import { browser, runAction } from "@/__tests__/kit/request-scope";
import {
  checkDecoyCode,
  getRegistrationStep,
  startAccountStep,
  startDecoyStep,
} from "@/lib/server/sign-in/registration";

jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/request-scope").nextHeaders);

beforeEach(() => browser.reset(freshIp()));

describe("the registration step", () => {
  it("binds a new account's step to this browser, and gives a decoy the same cookies", async () => {
    const account = await createAccount({ verified: false, twoFactorMethod: null });
    await startAccountStep(account.id, account.email, freshContext());
    expect(await getRegistrationStep()).toEqual({
      kind: "account",
      userId: account.id,
      email: account.email,
    });
    const real = [...browser.cookieOptions.entries()];

    browser.reset(freshIp());
    const address = freshAddress();
    await startDecoyStep(address);
    expect(await getRegistrationStep()).toMatchObject({ kind: "decoy", email: address });
    expect([...browser.cookieOptions.keys()]).toEqual(real.map(([name]) => name));
    for (const [name, options] of real) {
      expect({ ...browser.cookieOptions.get(name), expires: undefined }).toEqual({
        ...options,
        expires: undefined,
      });
    }
  });

  it("is no step for a browser with a forged address cookie or a challenge token it was not given", async () => {
    await startDecoyStep(freshAddress());
    browser.cookies.set("registration", `${Buffer.from("x@example.test").toString("base64url")}.forged`);
    expect(await getRegistrationStep()).toBeNull();
    browser.reset(freshIp());
    browser.cookies.set("2fa-challenge", "A".repeat(43));
    expect(await getRegistrationStep()).toBeNull();
  });

  it("answers a decoy code as expired after 15 minutes, as a real code would be", async () => {
    const now = new Date();
    await startDecoyStep(freshAddress(), now);
    const step = await getRegistrationStep();
    if (step?.kind !== "decoy") throw new Error("no decoy step");
    expect(await checkDecoyCode(step.key, "ABCDEFGH", later(now, minutes(14)))).toEqual({
      ok: false,
      reason: "wrong",
      triesLeft: 4,
    });
    expect(await checkDecoyCode(step.key, "ABCDEFGH", later(now, minutes(15)))).toEqual({
      ok: false,
      reason: "expired",
    });
    // A code with a look-alike (0, O, 1, I, L) is refused without spending a try, as real codes are.
    expect(await runAction(() => checkDecoyCode(step.key, "ABCDEFG0", later(now, minutes(1))))).toEqual({
      result: { ok: false, reason: "wrong", triesLeft: 4 },
    });
  });
});
