import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { auth } from "@/auth";

export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage() {
  const session = await auth();
  if (!session?.user) redirect("/login?callbackUrl=/dashboard");
  return (
    <div className="card space-y-3">
      <h1 className="text-2xl font-bold">Dashboard</h1>
      <p className="text-slate-600">Signed in as {session.user.name}.</p>
    </div>
  );
}
