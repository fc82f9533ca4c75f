import "server-only";
import { generate, generateSecret, generateURI, verify } from "otplib";
import QRCode from "qrcode";
import { db } from "../platform/db";

export const TOTP_ISSUER = "Two-Factor App";
export const TOTP_ALGORITHM = "sha1";
export const TOTP_DIGITS = 6;
export const TOTP_PERIOD = 30;
// Steps accepted either side of the current one (RFC 6238 §5.2 clock drift).
export const TOTP_WINDOW = 1;
const SECRET_BYTES = 20;

export type TotpDigits = 6 | 8;

export interface VerifyTotpOptions {
  // The last step accepted for this user: RFC 6238 §5.2, a code is accepted once.
  afterTimeStep?: number | null;
  // Epoch milliseconds; defaults to the clock.
  now?: number;
}

function epochSeconds(now: number): number {
  return Math.floor(now / 1000);
}

// 160 random bits (RFC 4226 §4 R6: at least 128, 160 recommended), base32 without padding.
export function generateTotpSecret(): string {
  return generateSecret({ length: SECRET_BYTES });
}

export function totpUri(username: string, secret: string): string {
  return generateURI({
    issuer: TOTP_ISSUER,
    label: username,
    secret,
    algorithm: TOTP_ALGORITHM,
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD,
  });
}

export function totpQrCodeDataUrl(uri: string): Promise<string> {
  return QRCode.toDataURL(uri, { type: "image/png", errorCorrectionLevel: "M", margin: 1, width: 240 });
}

export function formatSetupKey(secret: string): string {
  return (secret.match(/.{1,4}/g) ?? []).join(" ");
}

// `digits` exists for the RFC 6238 Appendix B vectors, which are 8 digits long.
export function generateTotpCode(
  secret: string,
  now: number = Date.now(),
  digits: TotpDigits = TOTP_DIGITS,
): Promise<string> {
  return generate({
    secret,
    algorithm: TOTP_ALGORITHM,
    digits,
    period: TOTP_PERIOD,
    epoch: epochSeconds(now),
  });
}

// Returns the accepted RFC 6238 time step (floor(unix seconds / 30)), or null.
// Whitespace is ignored ("123 456" as authenticator apps show it); anything else
// that is not six digits is refused without asking otplib, which throws on it.
export async function verifyTotpCode(
  secret: string,
  code: string,
  options: VerifyTotpOptions = {},
): Promise<number | null> {
  const token = code.replace(/\s/g, "");
  if (!/^\d{6}$/.test(token)) return null;
  const { afterTimeStep, now = Date.now() } = options;
  const epoch = epochSeconds(now);
  // otplib throws when afterTimeStep is negative or past the window's last step.
  const lastStep = Math.floor(epoch / TOTP_PERIOD) + TOTP_WINDOW;
  if (afterTimeStep != null && afterTimeStep >= lastStep) return null;
  const result = await verify({
    secret,
    token,
    algorithm: TOTP_ALGORITHM,
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD,
    epoch,
    // otplib's tolerance is in seconds; one period each way is exactly one step.
    epochTolerance: TOTP_PERIOD * TOTP_WINDOW,
    ...(afterTimeStep != null && afterTimeStep >= 0 ? { afterTimeStep } : {}),
  });
  // otplib types the result as TOTP | HOTP; only the TOTP one carries timeStep.
  return result.valid && "timeStep" in result ? result.timeStep : null;
}

// RFC 6238 §5.2: a step is accepted once per user. One conditional update, so
// that of two concurrent requests with the same code exactly one wins.
export async function consumeTotpStep(userId: string, step: number): Promise<boolean> {
  const { count } = await db.totpFactor.updateMany({
    where: { userId, OR: [{ lastUsedStep: null }, { lastUsedStep: { lt: step } }] },
    data: { lastUsedStep: step },
  });
  return count === 1;
}
