import Link from "next/link";
import { DocumentTitle } from "@/components/ui/document-title";

export default function NotFound() {
  // Its own title, and a <div>, not a second <main>: inside the dashboard
  // it renders within the layout's <main> (issue 21).
  return (
    <div className="flex min-h-[60vh] flex-col items-center justify-center gap-3 text-center">
      <DocumentTitle title="Not found · Portcullis" />
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        That page or item does not exist, or you cannot see it.
      </p>
      <Link href="/" className="text-sm font-medium text-link hover:underline">
        Back to the overview
      </Link>
    </div>
  );
}
