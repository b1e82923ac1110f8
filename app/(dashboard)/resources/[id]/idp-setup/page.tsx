import { notFound } from "next/navigation";
import { Card } from "@/components/ui/card";
import { requirePageActor } from "@/lib/server/auth/session";
import { AppError } from "@/lib/server/errors";
import { buildKit } from "@/lib/server/exports/kit";
import type { Kit } from "@/lib/server/exports/kit-types";
import { kitInputFor } from "@/lib/server/idp-kit/load";
import { resourceTitle } from "../_components/page-title";
import { KitChecklist } from "./_components/kit-checklist";

export const generateMetadata = resourceTitle("IdP setup");

const FORMATS = [
  { format: "markdown", label: "Markdown" },
  { format: "html", label: "Printable HTML" },
  { format: "json", label: "JSON" },
  { format: "terraform", label: "Terraform" },
] as const;

async function loadKit(id: string): Promise<{ kit: Kit } | { error: string }> {
  try {
    return { kit: buildKit(await kitInputFor(id)) };
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") notFound();
    // A draft the enforcer's schema refuses cannot be turned into a kit: say why.
    if (err instanceof AppError) return { error: err.message };
    throw err;
  }
}

/** The app-registration kit for the resource's IdP, its downloads and the live verification. */
export default async function IdpSetupPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePageActor("resources.read");
  const { id } = await params;
  const loaded = await loadKit(id);
  if ("error" in loaded)
    return (
      <Card title="IdP setup">
        <p className="text-sm text-red-700 dark:text-red-300">The kit needs a valid draft: {loaded.error}</p>
      </Card>
    );
  const { kit } = loaded;
  return (
    <div className="space-y-6">
      <Card title={kit.title} summary="What to configure in the IdP's console, with this resource's values filled in">
        <dl className="grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
          {kit.summary.map((v) => (
            <div key={v.label} className="contents">
              <dt className="text-muted">{v.label}</dt>
              <dd className="break-all font-mono text-xs">{v.value}</dd>
            </div>
          ))}
        </dl>
        <nav className="mt-4 flex flex-wrap items-center gap-2" aria-label="Download the kit">
          <span className="text-sm font-medium">Download:</span>
          {FORMATS.map((f) => (
            <a
              key={f.format}
              href={`/api/v1/resources/${id}/idp-kit?format=${f.format}`}
              download
              className="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
            >
              {f.label}
            </a>
          ))}
        </nav>
      </Card>
      <KitChecklist resourceId={id} kit={kit} />
    </div>
  );
}
