import "server-only";
import { redirect, unstable_rethrow } from "next/navigation";
import { safeCallbackPath } from "@/lib/auth/routes";
import type { FormState } from "@/lib/validations/form-state";
import { isDatabaseUnavailable } from "./db";

// While the database is unreachable, pages answer 503 and forms say so,
// instead of the error page's 500; both recover by themselves once the pool
// reconnects (lib/server/platform/db.ts).
export const RETRY_AFTER_SECONDS = 5;
export const UNAVAILABLE_MESSAGE = "The service is temporarily unavailable. Please try again in a moment.";

export function unavailablePath(from: string): string {
  return `/unavailable?from=${encodeURIComponent(safeCallbackPath(from, "/"))}`;
}

// A page cannot choose a 503 (Next.js pages answer 200, or 404/403/401 and
// redirects thrown before streaming starts), so a page whose data cannot be
// read redirects to /unavailable, a route handler that answers 503 with a
// way back to `from`. Actions without a form state use it too.
export async function orUnavailablePage<T>(work: Promise<T>, from: string): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (!isDatabaseUnavailable(error)) throw error;
    console.error("[db] unavailable while rendering a page");
    redirect(unavailablePath(from));
  }
}

// A server action's work; while the database is unreachable its form shows
// UNAVAILABLE_MESSAGE (with `fallback`'s non-secret values) instead of
// failing. Next.js's redirects and other control flow pass through.
export async function orUnavailableForm<S extends FormState>(
  work: () => Promise<S>,
  fallback: S,
): Promise<S> {
  try {
    return await work();
  } catch (error) {
    unstable_rethrow(error);
    if (!isDatabaseUnavailable(error)) throw error;
    console.error("[db] unavailable during a form action");
    return { ...fallback, message: UNAVAILABLE_MESSAGE };
  }
}
