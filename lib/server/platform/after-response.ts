import "server-only";
import { after } from "next/server";

// Work the user need not wait for (security notices): after the response
// inside a request, inline outside one (scripts, tests). Never throws.
export async function afterResponse(task: () => Promise<unknown>): Promise<void> {
  const safe = async (): Promise<void> => {
    try {
      await task();
    } catch (error) {
      console.error(`[after] background task failed: ${error instanceof Error ? error.name : "error"}`);
    }
  };
  try {
    after(safe);
  } catch {
    await safe();
  }
}

// The same, inside a request only: false, and nothing run, outside one
// (background upkeep that a script or test must not trigger by the way).
export function afterResponseOnly(task: () => Promise<unknown>): boolean {
  try {
    after(async () => {
      try {
        await task();
      } catch (error) {
        console.error(`[after] background task failed: ${error instanceof Error ? error.name : "error"}`);
      }
    });
    return true;
  } catch {
    return false;
  }
}
