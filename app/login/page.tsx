import type { Metadata } from "next";

export const metadata: Metadata = { title: "Sign in" };

export default function LoginPage() {
  return (
    <div className="card mx-auto max-w-md space-y-3">
      <h1 className="text-2xl font-bold">Sign in</h1>
      <p className="text-slate-600">Signing in with a password and a second factor is being built.</p>
    </div>
  );
}
