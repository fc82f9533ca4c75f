import type { Metadata } from "next";

export const metadata: Metadata = { title: "Create an account" };

export default function RegisterPage() {
  return (
    <div className="card mx-auto max-w-md space-y-3">
      <h1 className="text-2xl font-bold">Create an account</h1>
      <p className="text-slate-600">Registration with two-factor enrolment is being built.</p>
    </div>
  );
}
