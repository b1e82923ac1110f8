/** bench:config's figures: percentiles, one fleet size's result, and the sweep's table with its target lines. */

/** One fleet size's result. */
export interface SizeResult {
  clients: number;
  /** CPU the fleet processes (the clients: fetch, ES256 checks, schema, cache file) spent per publish, median. */
  clientCpuMsPerPublish: number;
  /** CPU the control plane's processes (all replicas) spent per publish, median. */
  serverCpuMsPerPublish: number;
  perClientMs: { median: number; p95: number; max: number };
  allClientsAppliedMs: { median: number; p95: number; max: number };
}

/** The `p`th percentile of sorted values (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** The (lower) median of unsorted values, as `percentile(…, 50)` reads it. */
export const medianOf = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

/** The sweep as a table, with the growth and 1,000-enforcer target lines. */
export function printSweep(results: SizeResult[], backend: string, replicas: number): void {
  const base = results[0];
  if (!base) return;
  const verdict = (ok: boolean) => (ok ? "PASS" : "FAIL");
  console.log(`\n${backend}, ${replicas} replica(s): publish → applied per client (p95) and whole fleet (p95)`);
  console.log(
    "| enforcers | per-client median | per-client p95 | fleet applied p95 | growth p95(N)/p95(first) | clients' own CPU per publish | control plane CPU per publish |",
  );
  console.log("|---|---|---|---|---|---|---|");
  for (const r of results)
    console.log(
      `| ${r.clients} | ${r.perClientMs.median} ms | ${r.perClientMs.p95} ms | ${r.allClientsAppliedMs.p95} ms | ${(r.perClientMs.p95 / base.perClientMs.p95).toFixed(2)}× | ${r.clientCpuMsPerPublish} ms | ${r.serverCpuMsPerPublish} ms |`,
    );
  const at = (n: number) => results.find((r) => r.clients === n);
  const r20 = at(20);
  const r200 = at(200);
  const r1000 = at(1000);
  if (r20 && r200)
    console.log(
      `target: growth p95(200)/p95(20) ≤ 3: ${(r200.perClientMs.p95 / r20.perClientMs.p95).toFixed(2)}× ${verdict(r200.perClientMs.p95 / r20.perClientMs.p95 <= 3)}`,
    );
  if (r1000)
    console.log(
      `target: 1,000 enforcers applied with p95 < 1 s: per client ${r1000.perClientMs.p95} ms ${verdict(r1000.perClientMs.p95 < 1000)}; whole fleet ${r1000.allClientsAppliedMs.p95} ms ${verdict(r1000.allClientsAppliedMs.p95 < 1000)}`,
    );
}
