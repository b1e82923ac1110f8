/** bench:config's figures: percentiles, one fleet size's result, and the sweep's table with its target lines. */
import { centralInterval, seededRandom } from "./stats";

/** One fleet size's result. */
export interface SizeResult {
  clients: number;
  /** CPU the fleet processes (the clients: fetch, ES256 checks, schema, cache file) spent per publish, median. */
  clientCpuMsPerPublish: number;
  /** CPU the control plane's processes (all replicas) spent per publish, median. */
  serverCpuMsPerPublish: number;
  perClientMs: { median: number; p95: number; max: number };
  allClientsAppliedMs: { median: number; p95: number; max: number };
  /** Each measured publish's per-client latencies, ms (for the growth ratio's interval; left out of the JSON line). */
  byPublish?: number[][];
}

/** The p95 of every latency of the given publishes (nearest rank, as the table's p95). */
function pooledP95(publishes: readonly (readonly number[])[]): number {
  return percentile(
    publishes.flat().sort((a, b) => a - b),
    95,
  );
}

/**
 * A percentile bootstrap interval (default 90 %) of the growth ratio p95(b)/p95(a): each size's publishes are
 * resampled with replacement, a publish's latencies kept together (clients woken by one publish share its
 * fortune), and the pooled p95s divided. It says how much of a growth verdict is the few publishes measured.
 *
 * @example growthInterval([[30, 32], [28, 35]], [[90, 110], [95, 120]]) // → [low, high]
 */
export function growthInterval(
  a: readonly (readonly number[])[],
  b: readonly (readonly number[])[],
  level = 0.9,
  resamples = 2000,
): [number, number] {
  if (a.length === 0 || b.length === 0) return [Number.NaN, Number.NaN];
  const random = seededRandom();
  const pick = (xs: readonly (readonly number[])[]) =>
    Array.from({ length: xs.length }, () => xs[Math.floor(random() * xs.length)] as readonly number[]);
  const ratios: number[] = [];
  for (let r = 0; r < resamples; r++) ratios.push(pooledP95(pick(b)) / pooledP95(pick(a)));
  return centralInterval(ratios, level);
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
  if (r20 && r200) {
    const growth = r200.perClientMs.p95 / r20.perClientMs.p95;
    const [low, high] = growthInterval(r20.byPublish ?? [], r200.byPublish ?? []);
    const interval = Number.isNaN(low)
      ? ""
      : ` (90 % interval over the publishes ${low.toFixed(2)}-${high.toFixed(2)}×: ${high <= 3 ? "holds at its upper end" : low > 3 ? "fails at its lower end" : "either way"})`;
    console.log(`target: growth p95(200)/p95(20) ≤ 3: ${growth.toFixed(2)}× ${verdict(growth <= 3)}${interval}`);
  }
  if (r1000)
    console.log(
      `target: 1,000 enforcers applied with p95 < 1 s: per client ${r1000.perClientMs.p95} ms ${verdict(r1000.perClientMs.p95 < 1000)}; whole fleet ${r1000.allClientsAppliedMs.p95} ms ${verdict(r1000.allClientsAppliedMs.p95 < 1000)}`,
    );
}
