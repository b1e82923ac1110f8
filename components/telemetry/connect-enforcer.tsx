import Link from "next/link";
import { connectEnforcerSnippet } from "@/components/snippets/enforcer-snippets";
import { CodeBlock } from "@/components/ui/code-block";

// Type-checked by scripts/ui-snippets.test.ts (issue 13 #8).
const SNIPPET = connectEnforcerSnippet();

/** The empty state of the dashboards: what to do so that the first events arrive. */
export function ConnectEnforcer({ resourceId }: { resourceId?: string }) {
  return (
    <section
      aria-labelledby="connect-enforcer"
      className="rounded-lg border border-dashed border-slate-300 bg-white p-6 dark:border-slate-700 dark:bg-slate-900"
    >
      <h2 id="connect-enforcer" className="text-base font-semibold">
        No telemetry yet: connect your first enforcer
      </h2>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
        Enforcers report every decision, JWKS refresh, OBO exchange and rate-limit hit here within a second or two.
      </p>
      <ol className="mt-4 list-decimal space-y-2 pl-5 text-sm">
        <li>
          {resourceId ? (
            "This resource exists; publish its policy if you have not yet."
          ) : (
            <>
              Create an{" "}
              <Link href="/idp-profiles" className="text-link underline">
                IdP profile
              </Link>{" "}
              and a{" "}
              <Link href="/resources" className="text-link underline">
                resource
              </Link>
              , then publish its policy.
            </>
          )}
        </li>
        <li>
          Issue an enforcer credential on the{" "}
          <Link href={resourceId ? `/resources/${resourceId}` : "/resources"} className="text-link underline">
            resource page
          </Link>{" "}
          (shown once; store it as a secret).
        </li>
        <li>Embed the enforcer in your MCP server with the telemetry client:</li>
      </ol>
      <CodeBlock label="Enforcer with telemetry (TypeScript)" code={SNIPPET} className="mt-3" />
      <p className="mt-3 text-xs text-muted">
        Events are batched (≤ 1,000 per second, gzip) and kept in memory while the control plane is unreachable; a
        request never waits for telemetry.
      </p>
    </section>
  );
}
