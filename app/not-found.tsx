import Link from "next/link";

export default function NotFound() {
  return (
    <main className="flex min-h-[60vh] flex-col items-center justify-center gap-3 text-center">
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        That page or item does not exist, or you cannot see it.
      </p>
      <Link href="/" className="text-sm font-medium text-link hover:underline">
        Back to the overview
      </Link>
    </main>
  );
}
