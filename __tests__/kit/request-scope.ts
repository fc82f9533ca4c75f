// Runs server actions in jest. `next/headers` is the one fake in browsers.ts;
// `browser` and `nextHeaders` are re-exported here for the tests that play
// one visitor at a time. Use with:
//   jest.mock("next/headers", () => jest.requireActual("@/__tests__/kit/request-scope").nextHeaders);
export { browser, nextHeaders } from "@/__tests__/kit/browsers";

const ORIGIN = "http://localhost:3000";

// Runs an action that may end in redirect(); returns where it went, if anywhere.
export async function runAction<T>(action: () => Promise<T>): Promise<{ result?: T; redirectedTo?: string }> {
  try {
    return { result: await action() };
  } catch (error) {
    const digest = (error as { digest?: string }).digest;
    if (typeof digest === "string" && digest.startsWith("NEXT_REDIRECT")) {
      // next-auth redirects to absolute URLs, next/navigation to paths.
      return { redirectedTo: digest.split(";")[2].replace(ORIGIN, "") };
    }
    throw error;
  }
}

export function form(fields: Record<string, string | Blob>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  return data;
}
