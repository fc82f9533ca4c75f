import Link from "next/link";

export default function NotFound() {
  return (
    <div className="card space-y-4 text-center">
      <p className="text-sm font-semibold text-indigo-600">404</p>
      <h1 className="text-2xl font-bold">Page not found</h1>
      <p className="text-slate-600">There is no page at this address.</p>
      <Link href="/" className="btn-primary">
        Back to the home page
      </Link>
    </div>
  );
}
