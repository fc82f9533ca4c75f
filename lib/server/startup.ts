import { EnvError, parseEnv } from "./env-schema";

// A bad environment (in production, a missing or short secret) stops the
// start with a message naming the variable, instead of failing on first use.
export function checkEnvironmentOrExit(): void {
  try {
    parseEnv(process.env);
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
