import { Badge } from "@/components/ui/card";
import { utcTime } from "@/components/ui/utc-time";
import type { TestConnectionResult } from "@/lib/server/idp-profiles/types";

const th = "py-1.5 pr-4 text-left text-xs font-medium uppercase text-muted";
const td = "py-1.5 pr-4 font-mono text-xs";

/** The stored Test connection result, readable: issuer check, diagnosis, keys, endpoints, warnings. */
export function TestResultView({ result }: { result: TestConnectionResult }) {
  const { discovery, issuerCheck, jwks } = result;
  // The real cause first (issue 13 #11); results stored before it had no `cause`.
  const cause = result.ok
    ? null
    : (result.cause ?? discovery.error ?? issuerCheck.diagnosis ?? jwks.error ?? "The IdP did not check out.");
  // No issuer was read: there is nothing to compare, so no "mismatch" box above the real problem.
  const issuerRead = issuerCheck.actual !== null;
  return (
    <div className="space-y-4 text-sm" data-testid="test-result">
      <div className="flex flex-wrap items-center gap-2">
        <Badge tone={result.ok ? "green" : "red"}>{result.ok ? "Connection OK" : "Connection failed"}</Badge>
        <span className="text-xs text-muted">
          tested {utcTime(result.testedAt)} in {result.durationMs} ms
        </span>
      </div>
      {cause ? (
        <p
          className="rounded-md border border-red-300 bg-red-50 p-3 font-medium text-red-800 dark:border-red-900 dark:bg-red-950/40 dark:text-red-300"
          data-testid="test-cause"
        >
          {cause}
        </p>
      ) : null}
      {issuerRead ? (
        <section
          aria-labelledby="issuer-check"
          className={`rounded-md border p-3 ${issuerCheck.match ? "border-emerald-200 bg-emerald-50 dark:border-emerald-900 dark:bg-emerald-950/40" : "border-red-200 bg-red-50 dark:border-red-900 dark:bg-red-950/40"}`}
        >
          <h3
            id="issuer-check"
            className={`font-medium ${issuerCheck.match ? "text-emerald-800 dark:text-emerald-300" : "text-red-800 dark:text-red-300"}`}
          >
            {issuerCheck.match ? "✓ Issuer matches" : "✗ Issuer mismatch"}
          </h3>
          <dl className="mt-2 grid gap-1 text-xs sm:grid-cols-[8rem_1fr]">
            <dt className="text-muted">IdP announces</dt>
            <dd className="break-all font-mono">{issuerCheck.actual ?? "—"}</dd>
            <dt className="text-muted">Profile expects</dt>
            <dd className="break-all font-mono">{issuerCheck.expected.join(" or ")}</dd>
          </dl>
          {issuerCheck.diagnosis ? (
            <p className="mt-2 text-sm text-red-800 dark:text-red-300" data-testid="issuer-diagnosis">
              {issuerCheck.diagnosis}
            </p>
          ) : null}
        </section>
      ) : null}
      <section aria-labelledby="discovery-h">
        <h3 id="discovery-h" className="font-medium">
          Discovery document {discovery.ok ? <Badge tone="green">fetched</Badge> : <Badge tone="red">failed</Badge>}
        </h3>
        <p className="break-all font-mono text-xs text-muted">{discovery.url}</p>
        {discovery.error ? <p className="mt-1 text-red-700 dark:text-red-400">{discovery.error}</p> : null}
        {!issuerRead ? (
          <p className="mt-1 text-xs text-muted">
            Issuer not checked: no issuer could be read from the discovery document.
          </p>
        ) : null}
        {discovery.ok ? (
          <dl className="mt-2 grid gap-1 text-xs sm:grid-cols-[10rem_1fr]">
            <dt className="text-muted">Token endpoint</dt>
            <dd className="break-all font-mono">{discovery.tokenEndpoint ?? "—"}</dd>
            <dt className="text-muted">Supported scopes</dt>
            <dd className="font-mono">{discovery.scopesSupported.join(" ") || "—"}</dd>
            <dt className="text-muted">Grant types</dt>
            <dd className="font-mono">{discovery.grantTypesSupported.join(" ") || "—"}</dd>
          </dl>
        ) : null}
      </section>
      <section aria-labelledby="jwks-h">
        <h3 id="jwks-h" className="font-medium">
          Signing keys{" "}
          {jwks.ok ? <Badge tone="green">{jwks.keys.length} found</Badge> : <Badge tone="red">problem</Badge>}
        </h3>
        <p className="break-all font-mono text-xs text-muted">{jwks.url || "—"}</p>
        {jwks.error ? <p className="mt-1 text-red-700 dark:text-red-400">{jwks.error}</p> : null}
        {jwks.keys.length ? (
          <table className="mt-2 w-full">
            <caption className="sr-only">Keys in the JWKS</caption>
            <thead>
              <tr>
                <th className={th}>kid</th>
                <th className={th}>Type</th>
                <th className={th}>Algorithm</th>
                <th className={th}>Size</th>
                <th className={th}>Use</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {jwks.keys.map((k, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: a stored, immutable list; kid may be absent or repeated
                <tr key={`${k.kid}-${i}`}>
                  <td className={`${td} break-all`}>{k.kid ?? "(none)"}</td>
                  <td className={td}>
                    {k.kty}
                    {k.crv ? ` ${k.crv}` : ""}
                  </td>
                  <td className={td}>{k.alg ?? "—"}</td>
                  <td className={td}>{k.bits ? `${k.bits} bits` : "—"}</td>
                  <td className={td}>{k.use ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
      {result.warnings.length ? (
        <ul className="list-disc space-y-1 pl-5 text-amber-800 dark:text-amber-300">
          {result.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
