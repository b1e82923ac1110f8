import Link from "next/link";
import { QueryProvider } from "@/components/providers/query-provider";
import { MobileNav } from "@/components/shell/mobile-nav";
import { NAV_ITEMS } from "@/components/shell/nav";
import { NavLinks } from "@/components/shell/nav-links";
import { SignOutButton, ThemeToggle } from "@/components/shell/user-menu";
import { Badge } from "@/components/ui/card";
import { countFiring } from "@/lib/server/alerts/alerts";
import { can } from "@/lib/server/auth/permissions";
import { requirePageActor } from "@/lib/server/auth/session";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const actor = await requirePageActor("dashboard.read");
  const firing = can(actor.role, "alerts.read") ? await countFiring() : 0;
  return (
    <div className="flex min-h-screen">
      {/* First tab stop (issue 21): skips the navigation and the header to the page's content. */}
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:rounded-md focus:bg-white focus:px-3 focus:py-2 focus:text-sm focus:font-medium focus:text-link focus:shadow focus:ring-2 focus:ring-brand-600 dark:focus:bg-slate-900"
      >
        Skip to content
      </a>
      <aside className="hidden w-60 shrink-0 border-r border-slate-200 bg-white px-3 py-4 md:block dark:border-slate-800 dark:bg-slate-900">
        <div className="mb-6 flex items-center gap-2 px-3">
          <span
            aria-hidden
            className="flex h-8 w-8 items-center justify-center rounded-md bg-brand-600 font-bold text-white"
          >
            P
          </span>
          <span className="text-base font-semibold">Portcullis</span>
        </div>
        <nav aria-label="Main">
          <NavLinks items={NAV_ITEMS} badges={{ "/alerts": firing }} />
        </nav>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        {/* Below 768 px the sidebar gives way to the Menu button; the header wraps instead of clipping the email. */}
        <header className="relative flex flex-wrap items-center justify-end gap-x-3 gap-y-2 border-b border-slate-200 bg-white px-4 py-3 sm:px-6 dark:border-slate-800 dark:bg-slate-900">
          <div className="mr-auto">
            <MobileNav items={NAV_ITEMS} badges={{ "/alerts": firing }} />
          </div>
          <span className="min-w-0 break-all text-sm" data-testid="current-admin">
            {actor.email}
          </span>
          <Badge tone={actor.role === "viewer" ? "slate" : "blue"}>{actor.role}</Badge>
          <ThemeToggle />
          <Link
            href="/account/password"
            className="inline-flex min-h-6 items-center text-sm font-medium text-link hover:underline"
          >
            Change password
          </Link>
          <SignOutButton />
        </header>
        <main id="main" tabIndex={-1} className="min-w-0 flex-1 px-4 py-6 focus:outline-none sm:px-6">
          <QueryProvider>{children}</QueryProvider>
        </main>
      </div>
    </div>
  );
}
