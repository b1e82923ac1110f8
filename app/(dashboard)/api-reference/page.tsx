import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/ui/card";
import { ScrollRegion } from "@/components/ui/scroll-region";
import { requirePageActor } from "@/lib/server/auth/session";
import { apiReference } from "@/lib/server/openapi/reference";

export const metadata: Metadata = { title: "API reference" };

/**
 * The /api/v1 reference, rendered on the server from the same OpenAPI document GET /api/v1/openapi.json
 * serves (no script, so it works offline and under the page CSP). Schemas fold open on demand.
 */
export default async function ApiReferencePage() {
  await requirePageActor("dashboard.read");
  const families = apiReference();
  return (
    <>
      <PageHeader
        title="API reference"
        description={
          <>
            Every /api/v1 operation, generated from the schemas the server validates with. Automation authenticates with
            a personal API token (Settings → API tokens): <code>Authorization: Bearer pcl_api_…</code>. The OpenAPI 3.1
            document:{" "}
            <a className="text-link underline" href="/api/v1/openapi.json">
              /api/v1/openapi.json
            </a>
            .
          </>
        }
      />
      <nav aria-label="API families" className="mb-6">
        <ul className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
          {families.map((f) => (
            <li key={f.tag}>
              <a className="inline-flex min-h-6 items-center text-link underline" href={`#${slug(f.tag)}`}>
                {f.tag} ({f.operations.length})
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div className="space-y-6">
        {families.map((f) => (
          <section key={f.tag} id={slug(f.tag)} aria-labelledby={`${slug(f.tag)}-h`} className="space-y-3">
            <h2 id={`${slug(f.tag)}-h`} className="text-lg font-semibold">
              {f.tag}
            </h2>
            <p className="text-sm text-muted">{f.description}</p>
            {f.operations.map((o) => (
              <Card key={o.id} title={<OperationTitle method={o.method} path={o.path} />}>
                <div className="space-y-2 text-sm" data-testid={`op-${o.method} ${o.path}`}>
                  <p>{o.summary}</p>
                  <p className="text-xs text-muted">Auth: {o.auth}</p>
                  {o.parameters.length > 0 ? (
                    <p className="text-xs">
                      Parameters:{" "}
                      {o.parameters.map((p) => `${p.name} (${p.in}${p.required ? ", required" : ""})`).join(", ")}
                    </p>
                  ) : null}
                  {o.requestSchema ? (
                    <SchemaBlock label={`Request body of ${o.method} ${o.path}`} json={o.requestSchema} />
                  ) : null}
                  {o.responses.map((r) => (
                    <div key={r.status}>
                      <p className="text-xs">
                        <span className="font-medium">{r.status}</span> {r.description}
                        {r.mediaType ? <span className="text-muted"> · {r.mediaType}</span> : null}
                      </p>
                      {r.schema && r.mediaType === "application/json" ? (
                        <SchemaBlock label={`Response ${r.status} of ${o.method} ${o.path}`} json={r.schema} />
                      ) : null}
                    </div>
                  ))}
                </div>
              </Card>
            ))}
          </section>
        ))}
      </div>
    </>
  );
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, "-");

function OperationTitle({ method, path }: { method: string; path: string }) {
  return (
    <span className="font-mono">
      <span className="mr-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs font-semibold dark:bg-slate-800">{method}</span>
      {path}
    </span>
  );
}

function SchemaBlock({ label, json }: { label: string; json: string }) {
  return (
    <details>
      <summary className="inline-flex min-h-6 cursor-pointer items-center text-xs text-link underline">
        {label} (JSON Schema)
      </summary>
      <ScrollRegion label={label} className="mt-1 max-h-96 overflow-y-auto rounded bg-slate-50 p-2 dark:bg-slate-950">
        <pre className="text-xs">{json}</pre>
      </ScrollRegion>
    </details>
  );
}
