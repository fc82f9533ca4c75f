import { handlers } from "@/auth";
import { checkedSessionEndpoint } from "@/lib/server/sign-in/session-endpoint";

export const GET = checkedSessionEndpoint(handlers.GET);
export const POST = checkedSessionEndpoint(handlers.POST);
