import { handlers } from "@/auth";
import { checkedSessionEndpoint } from "@/lib/server/session-endpoint";

export const GET = checkedSessionEndpoint(handlers.GET);
export const POST = checkedSessionEndpoint(handlers.POST);
