// Runs once when the server starts. The Node-only check lives in its own
// module, so that the edge bundle never sees it.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { checkEnvironmentOrExit } = await import("@/lib/server/platform/startup");
    checkEnvironmentOrExit();
  }
}
