"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { LinkPending } from "@/components/shell/link-pending";

const TABS = [
  { href: "", label: "Overview" },
  { href: "/policy", label: "Policy" },
  { href: "/tools", label: "Tools" },
  { href: "/downstreams", label: "Downstream APIs" },
  { href: "/enforcers", label: "Enforcers" },
  { href: "/history", label: "History" },
  { href: "/idp-setup", label: "IdP setup" },
];

export function ResourceTabs({ resourceId }: { resourceId: string }) {
  const pathname = usePathname();
  const base = `/resources/${resourceId}`;
  return (
    <nav aria-label="Resource sections" className="mb-6 border-b border-slate-200 dark:border-slate-800">
      <ul className="-mb-px flex flex-wrap gap-1">
        {TABS.map((t) => {
          const href = base + t.href;
          const active = t.href === "" ? pathname === base : pathname.startsWith(href);
          return (
            <li key={t.label}>
              <Link
                href={href}
                aria-current={active ? "page" : undefined}
                className={`inline-block border-b-2 px-3 py-2 text-sm font-medium ${active ? "border-brand-600 text-brand-700 dark:text-white" : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900 dark:text-slate-400 dark:hover:text-slate-200"}`}
              >
                {t.label}
                <LinkPending />
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
