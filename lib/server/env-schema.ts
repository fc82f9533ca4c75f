import { z } from "zod";
import { DEFAULT_DATABASE_URL } from "@/lib/db-url";

// Kept free of "server-only" so that scripts and tests can validate an
// environment without booting Next.js; lib/server/env.ts is the app's entry.

const MIN_SECRET_LENGTH = 32;

const secret = (name: string) =>
  z
    .string({ error: `${name} is missing` })
    .min(MIN_SECRET_LENGTH, `${name} must be at least ${MIN_SECRET_LENGTH} characters`);

const booleanFlag = z
  .enum(["true", "false", "1", "0"], { error: "must be true or false" })
  .transform((value) => value === "true" || value === "1");

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/, "DATABASE_URL must start with file: or postgresql://")
    .default(DEFAULT_DATABASE_URL),
  AUTH_SECRET: secret("AUTH_SECRET"),
  JWT_SECRET: secret("JWT_SECRET"),
  TOTP_ENCRYPTION_KEY: z
    .string({ error: "TOTP_ENCRYPTION_KEY is missing" })
    .refine(
      (value) => Buffer.from(value, "base64").length === 32,
      "TOTP_ENCRYPTION_KEY must be 32 bytes, base64-encoded (openssl rand -base64 32)",
    ),
  ACCESS_TOKEN_TTL: z.coerce
    .number()
    .int()
    .min(60, "ACCESS_TOKEN_TTL must be at least 60 seconds")
    .max(86_400, "ACCESS_TOKEN_TTL must be at most 86400 seconds")
    .default(900),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "SMTP_URL must start with smtp:// or smtps://")
    .optional(),
  MAIL_FROM: z.string().min(3).default("Two-Factor App <no-reply@localhost>"),
  MAIL_OUTBOX_DIR: z.string().min(1).default("data/outbox"),
  APP_URL: z.url({ error: "APP_URL must be an absolute URL" }).default("http://localhost:3000"),
  EMAIL_SECOND_FACTOR: booleanFlag.default(true),
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(1),
});

export type Env = z.infer<typeof envSchema>;

export type EnvSource = Record<string, string | undefined>;

export class EnvError extends Error {
  override name = "EnvError";
}

// Treats empty strings as unset, as most hosts' dashboards produce them.
function withoutEmpty(source: EnvSource): Record<string, string> {
  return Object.fromEntries(
    Object.entries(source).filter((entry): entry is [string, string] => Boolean(entry[1])),
  );
}

export function parseEnv(source: EnvSource): Env {
  const result = envSchema.safeParse(withoutEmpty(source));
  if (result.success) return result.data;
  const hint =
    source.NODE_ENV === "production"
      ? "Set it in the environment (see .env.example); production never generates secrets."
      : "Run `npm run dev` once, which writes development secrets to .env.local, or set it (see .env.example).";
  const problems = result.error.issues.map((issue) => `  - ${issue.path.join(".")}: ${issue.message}`);
  throw new EnvError(`Invalid environment:\n${problems.join("\n")}\n${hint}`);
}
