import Link from "next/link";
import { DocumentTitle } from "@/components/ui/document-title";

export default function Forbidden() {
  // Its own title, and a <div>, not a second <main>: inside the dashboard
  // it renders within the layout's <main> (issue 21).
  return (
    <div className="flex min-h-[60vh] flex-col items-center justify-center gap-3 text-center">
      <DocumentTitle title="Access denied · Portcullis" />
      <h1 className="text-2xl font-semibold">Access denied</h1>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Your role does not allow this page. Ask an owner if you need access.
      </p>
      <Link href="/" className="text-sm font-medium text-link hover:underline">
        Back to the overview
      </Link>
    </div>
  );
}
