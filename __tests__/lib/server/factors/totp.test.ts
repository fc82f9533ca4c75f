/** @jest-environment node */
import { ScureBase32Plugin } from "otplib";
import { db } from "@/lib/server/platform/db";
import {
  consumeTotpStep,
  formatSetupKey,
  generateTotpCode,
  generateTotpSecret,
  totpQrCodeDataUrl,
  totpUri,
  verifyTotpCode,
} from "@/lib/server/factors/totp";
import { uniqueName } from "@/__tests__/kit/names";

afterAll(async () => {
  await db.$disconnect();
});

const seconds = (value: number): number => value * 1000;

// RFC 6238 Appendix B, SHA-1, with the ASCII secret "12345678901234567890".
const RFC_SECRET = new ScureBase32Plugin().encode(new TextEncoder().encode("12345678901234567890"));
const RFC_VECTORS: [number, string][] = [
  [59, "94287082"],
  [1111111109, "07081804"],
  [1111111111, "14050471"],
  [1234567890, "89005924"],
  [2000000000, "69279037"],
  [20000000000, "65353130"],
];

describe("TOTP codes", () => {
  it.each(RFC_VECTORS)("match the RFC 6238 vector at T=%d", async (time, expected) => {
    expect(await generateTotpCode(RFC_SECRET, seconds(time), 8)).toBe(expected);
    // A 6-digit code is the 8-digit one modulo 10^6 (RFC 4226 §5.3).
    const sixDigits = expected.slice(-6);
    expect(await generateTotpCode(RFC_SECRET, seconds(time))).toBe(sixDigits);
    expect(await verifyTotpCode(RFC_SECRET, sixDigits, { now: seconds(time) })).toBe(Math.floor(time / 30));
  });

  it("accepts a code from the first to the last second of the steps either side of its own", async () => {
    const secret = generateTotpSecret();
    const step = 60_000_000;
    const code = await generateTotpCode(secret, seconds(step * 30));
    for (const nearby of [step - 1, step, step + 1]) {
      for (const at of [nearby * 30, nearby * 30 + 29]) {
        expect(await verifyTotpCode(secret, code, { now: seconds(at) + 999 })).toBe(step);
        expect(await verifyTotpCode(secret, code, { now: seconds(at) })).toBe(step);
      }
    }
  });

  it("refuses a code two steps early or late", async () => {
    const secret = generateTotpSecret();
    const step = 60_000_000;
    const code = await generateTotpCode(secret, seconds(step * 30));
    for (const at of [(step - 2) * 30, (step - 2) * 30 + 29, (step + 2) * 30, (step + 2) * 30 + 29]) {
      expect(await verifyTotpCode(secret, code, { now: seconds(at) })).toBeNull();
    }
  });

  it("rejects a TOTP code whose step was already used", async () => {
    const secret = generateTotpSecret();
    const now = seconds(60_000_000 * 30 + 10);
    const code = await generateTotpCode(secret, now);
    const step = await verifyTotpCode(secret, code, { now, afterTimeStep: null });
    expect(step).toBe(60_000_000);
    expect(await verifyTotpCode(secret, code, { now, afterTimeStep: step })).toBeNull();
    expect(await verifyTotpCode(secret, code, { now, afterTimeStep: step! + 1 })).toBeNull();
    expect(await verifyTotpCode(secret, code, { now, afterTimeStep: step! - 1 })).toBe(step);
    // otplib throws on an afterTimeStep past the window (a clock moved back); we refuse.
    await expect(verifyTotpCode(secret, code, { now, afterTimeStep: step! + 5 })).resolves.toBeNull();
    // The previous step's code is still inside the window, but older than the used one.
    const earlier = await generateTotpCode(secret, now - seconds(30));
    expect(await verifyTotpCode(secret, earlier, { now, afterTimeStep: step })).toBeNull();
  });

  it("refuses a wrong code and garbage without throwing", async () => {
    const secret = generateTotpSecret();
    const now = Date.now();
    const code = await generateTotpCode(secret, now);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    for (const bad of [
      wrong,
      "",
      "12345",
      "1234567",
      "abcdef",
      "12345a",
      "-12345",
      "１２３４５６",
      `${code}0`,
    ]) {
      await expect(verifyTotpCode(secret, bad, { now })).resolves.toBeNull();
    }
  });

  it("ignores the space authenticator apps show inside a code", async () => {
    const secret = generateTotpSecret();
    const now = Date.now();
    const code = await generateTotpCode(secret, now);
    expect(await verifyTotpCode(secret, ` ${code.slice(0, 3)} ${code.slice(3)} `, { now })).not.toBeNull();
  });
});

describe("TOTP enrolment", () => {
  it("generates 160-bit base32 secrets that differ", () => {
    const first = generateTotpSecret();
    const second = generateTotpSecret();
    expect(first).toMatch(/^[A-Z2-7]{32}$/);
    expect(second).toMatch(/^[A-Z2-7]{32}$/);
    expect(first).not.toBe(second);
  });

  it("builds an otpauth URI labelled issuer:username", () => {
    const secret = generateTotpSecret();
    const uri = new URL(totpUri("ada.l", secret));
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.host).toBe("totp");
    expect(uri.pathname).toBe("/Two-Factor%20App:ada.l");
    expect(uri.searchParams.get("secret")).toBe(secret);
    expect(uri.searchParams.get("issuer")).toBe("Two-Factor App");
    expect(totpUri("ada.l", secret)).toMatch(
      new RegExp(`^otpauth://totp/Two-Factor%20App:ada\\.l\\?secret=${secret}&issuer=Two-Factor%20App`),
    );
  });

  it("renders the URI as a PNG data URL", async () => {
    const url = await totpQrCodeDataUrl(totpUri("ada", generateTotpSecret()));
    expect(url.startsWith("data:image/png;base64,")).toBe(true);
    const png = Buffer.from(url.slice("data:image/png;base64,".length), "base64");
    expect(png.subarray(1, 4).toString("ascii")).toBe("PNG");
  });

  it("formats the setup key in groups of four", () => {
    expect(formatSetupKey("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")).toBe(
      "ABCD EFGH IJKL MNOP QRST UVWX YZ23 4567",
    );
    expect(formatSetupKey("ABCDEF")).toBe("ABCD EF");
  });
});

describe("consumeTotpStep", () => {
  async function userWithFactor(): Promise<string> {
    const username = uniqueName("totp");
    const user = await db.user.create({
      data: {
        username,
        email: `${username}@example.test`,
        passwordHash: "x",
        totpFactor: { create: { secretCiphertext: "ciphertext" } },
      },
    });
    return user.id;
  }

  it("lets exactly one of 20 concurrent uses of a step succeed", async () => {
    const userId = await userWithFactor();
    const results = await Promise.all(Array.from({ length: 20 }, () => consumeTotpStep(userId, 1000)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await db.totpFactor.findUnique({ where: { userId } }))?.lastUsedStep).toBe(1000);
  });

  it("refuses the same or an older step afterwards, and accepts a newer one", async () => {
    const userId = await userWithFactor();
    expect(await consumeTotpStep(userId, 1000)).toBe(true);
    expect(await consumeTotpStep(userId, 1000)).toBe(false);
    expect(await consumeTotpStep(userId, 999)).toBe(false);
    expect(await consumeTotpStep(userId, 1001)).toBe(true);
  });

  it("refuses a user without a TOTP factor", async () => {
    const username = uniqueName("nofactor");
    const user = await db.user.create({
      data: { username, email: `${username}@example.test`, passwordHash: "x" },
    });
    expect(await consumeTotpStep(user.id, 1000)).toBe(false);
  });
});
