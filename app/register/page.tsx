import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getCurrentSession } from "@/lib/server/sign-in/session";
import { orUnavailablePage } from "@/lib/server/platform/unavailable";
import { RegisterForm } from "./register-form";

export const metadata: Metadata = { title: "Create an account" };

export default async function RegisterPage() {
  if (await orUnavailablePage(getCurrentSession(), "/register")) redirect("/dashboard");
  return (
    <div className="card mx-auto max-w-md space-y-6">
      <div className="space-y-1">
        <h1 className="text-2xl font-bold">Create an account</h1>
        <p className="text-sm text-slate-600">
          Next you will confirm your email address with a code we send to it, then set up a second factor: an
          authenticator app, or codes sent to your email.
        </p>
      </div>
      <RegisterForm />
    </div>
  );
}
