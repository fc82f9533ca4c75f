import "server-only";
import { parseEnv, type Env } from "./env-schema";

let cached: Env | undefined;

export function loadEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

// Parsed on first use rather than at import, so that `next build` can import
// server modules without production secrets.
export const env: Env = new Proxy({} as Env, {
  get: (_target, key: string) => loadEnv()[key as keyof Env],
});
