import Link from "next/link";
import { DocumentTitle } from "./document-title";

/**
 * The 403 and 404 pages (issue 21): their own title, one <main>. Inside the dashboard they render within the
 * layout's <main> (app/(dashboard)/forbidden.tsx, not-found.tsx: `as="div"`); at the root, where no layout
 * gives one, they are the <main> themselves.
 */
export function StatusPage({ title, text, as: Tag = "main" }: { title: string; text: string; as?: "main" | "div" }) {
  return (
    <Tag className="flex min-h-[60vh] flex-col items-center justify-center gap-3 text-center">
      <DocumentTitle title={`${title} · Portcullis`} />
      <h1 className="text-2xl font-semibold">{title}</h1>
      <p className="text-sm text-muted">{text}</p>
      <Link href="/" className="inline-flex min-h-6 items-center text-sm font-medium text-link hover:underline">
        Back to the overview
      </Link>
    </Tag>
  );
}

export const FORBIDDEN_TEXT = "Your role does not allow this page. Ask an owner if you need access.";
export const NOT_FOUND_TEXT = "That page or item does not exist, or you cannot see it.";
