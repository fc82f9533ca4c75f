import { databaseAnswers, healthResponse } from "@/lib/server/platform/health";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  return healthResponse(await databaseAnswers());
}
