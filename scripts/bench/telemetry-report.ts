/**
 * The printed report of `bench:telemetry`'s enforcer half (telemetry.ts runs the benches): telemetry off vs
 * on over HTTP in rounds and in slices, its parts, the A/A check and the calibration, its own work in
 * process, and the target lines. Also the small table and number formats the whole report shares.
 */
import { availableParallelism } from "node:os";
import { describeKernelEntries } from "./kernel-entry";
import type { Overhead } from "./stats";
import type { EnforcerOverhead } from "./telemetry-enforcer";
import type { HttpOverhead, ModeMeasure } from "./telemetry-enforcer-http";
import { SINK_PARTS, TELEMETRY_PARTS, type TelemetryParts } from "./telemetry-parts";

export const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
export const ms = (n: number) => n.toFixed(1);
export const signed = (n: number) => (n >= 0 ? `+${n.toFixed(1)}` : n.toFixed(1));
export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(" | ")} |`;
  return [line(head), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}

/** An overhead in % with its interval: "+2.1% (+0.4 … +3.9)". */
export const added = (o: Overhead) => `${signed(o.pct)}% (${signed(o.low)} … ${signed(o.high)})`;

/** What each part of telemetry is, in both tables. */
const PART_LABEL: Record<(typeof TELEMETRY_PARTS)[number], string> = {
  seam: "the decision record alone (sampled timing, a sink that does nothing)",
  metrics: "the metrics sink (with the record)",
  copy: "the client's copy into its rows alone, nothing sent (with the record)",
  client: "the network client (with the record)",
  on: "telemetry on (metrics + client, as shipped)",
};

/** Prints the enforcer half's tables. @example printEnforcerReport(http, overhead, parts) */
export function printEnforcerReport(
  http: HttpOverhead,
  overhead: EnforcerOverhead,
  parts: TelemetryParts | undefined,
): void {
  console.log(
    "\n## Enforcer with telemetry off vs on (median of paired ABBA ratios, 90% bootstrap interval)\n\n" +
      "on = metrics + the network client as it ships (batches built, gzipped and sent in a worker thread on a host with more than one core); " +
      "loop = the same client forced onto the event loop (the one-core path)\n",
  );
  const row = (label: string, m: ModeMeasure, f: (n: number) => string = ms) => [
    label,
    f(m.bare),
    f(m.off),
    f(m.on),
    f(m.loop),
    added(m.overhead),
    added(m.loopOverhead),
  ];
  console.log(
    table(
      ["measure", "no enforcer", "off", "on", "loop", "on adds", "loop adds"],
      [
        row("HTTP, 1 connection: mean latency µs", http.latency),
        row("HTTP, 1 connection: median latency µs", http.p50),
        row("HTTP, 8 connections: requests/s", http.rps, fmt),
        row("HTTP, 8 connections: event-loop CPU µs/req", http.cpu),
        row("HTTP, 8 connections: process CPU µs/req", http.processCpu),
        [
          "in-process handle(), event-loop client: wall µs/req",
          "",
          ms(overhead.offUsPerRequest),
          ms(overhead.onUsPerRequest),
          "",
          added(overhead.overhead),
          "",
        ],
        [
          "in-process handle(), event-loop client: CPU µs/req",
          "",
          ms(overhead.offCpuUsPerRequest),
          ms(overhead.onCpuUsPerRequest),
          "",
          added(overhead.cpuOverhead),
          "",
        ],
      ],
    ),
  );
  console.log(
    `(HTTP: ${http.processes} server processes, not pinned, each serving the four modes in turn; ${http.rounds} rounds, each mode ${fmt(http.windowMs)} ms at one connection and ${fmt(http.windowMs)} ms at eight per process and round; the on client sent from: ${http.onThread}; event-loop CPU = the main thread's run time from /proc/self/task/<pid>/schedstat, process CPU = process.cpuUsage(), worker and libuv pool included; load average ${http.loadAverage[0].toFixed(1)} at the start, ${http.loadAverage[1].toFixed(1)} at the end, on ${availableParallelism()} cores; in-process: ${fmt(overhead.requestsPerRound)} requests × ${overhead.rounds} rounds per mode, ${fmt(overhead.eventsSent)} events sent, ${fmt(overhead.eventsDropped)} dropped)`,
  );
  const { on, calibration } = http.sliced;
  const us = (a: number, b: number, o: Overhead) => `${ms(a)} → ${ms(b)} µs: ${added(o)}`;
  console.log(
    `\n## The same in slices: one continuous load, the server switching modes every ${fmt(on.sliceMs)} ms (a b b a …), every four slices one ABBA block\n`,
  );
  console.log(
    table(
      ["comparison", "event-loop CPU per request (8 connections)", "process CPU", "median latency (1 connection)"],
      [
        [
          "telemetry on vs off",
          us(on.cpuA, on.cpuB, on.cpu),
          added(on.processCpu),
          on.p50 ? us(on.p50A ?? 0, on.p50B ?? 0, on.p50) : "",
        ],
        ...SINK_PARTS.map((part) => {
          const o = http.sliced.parts[part];
          return [PART_LABEL[part], us(o.cpuA, o.cpuB, o.cpu), added(o.processCpu), ""];
        }),
        [
          "A/A: off vs a second, identical off (what the measure finds where there is nothing)",
          us(http.sliced.same.cpuA, http.sliced.same.cpuB, http.sliced.same.cpu),
          added(http.sliced.same.processCpu),
          "",
        ],
        [
          "calibration: off + 1 µs of busy work vs off",
          `${us(calibration.cpuA, calibration.cpuB, calibration.cpu)} (≈ ${ms((calibration.cpuA * calibration.cpu.pct) / 100)} µs found)`,
          added(calibration.processCpu),
          "",
        ],
      ],
    ),
  );
  console.log(
    `(${fmt(on.slices)} slices of ${fmt(on.sliceMs)} ms per comparison over ${http.processes} server processes; µs are medians over the slices of each mode, the % the median of the ABBA blocks with its 90% bootstrap interval; the calibration shows what a known cost of about 1.1 µs per request (1 µs of busy work and its clock readings) looks like in this measure. The interval is within one run: on this machine a fresh pair of processes moved the figure by about ±2 points)`,
  );
  if (parts) {
    console.log(
      `\n## Telemetry's own work per request, in process: authorizeParts on a verified-token cache hit, compiled as it ships (${fmt(parts.rounds)} ABBA rounds of ${fmt(parts.perRound)} per mode, and ${fmt(parts.cold.rounds)} with a system call between requests; main-thread CPU)\n`,
    );
    const ns = (a: { ns: number; low: number; high: number }) =>
      `${a.ns >= 0 ? "+" : ""}${fmt(a.ns)} ns (${fmt(a.low)} … ${fmt(a.high)})`;
    console.log(
      table(
        [
          "part",
          "added per request",
          "the same with a system call between requests",
          `share of the event loop's CPU per request over HTTP (off, in slices: ${ms(on.cpuA)} µs)`,
        ],
        [
          ...TELEMETRY_PARTS.map((p) => {
            const a = parts.added[p];
            return [PART_LABEL[p], ns(a), ns(parts.cold.added[p]), `${((a.ns / 1000 / on.cpuA) * 100).toFixed(1)}%`];
          }),
          [
            "telemetry on, a 2026-07-28 request (clientInfo in every request's _meta)",
            ns(parts.modern),
            "",
            `${((parts.modern.ns / 1000 / on.cpuA) * 100).toFixed(1)}%`,
          ],
        ],
      ),
    );
    console.log(
      `(the decision itself, without telemetry: ${fmt(parts.offNs)} ns of main-thread CPU, ${fmt(parts.cold.offNs)} ns with the system call. The system call stands in for an HTTP request's kernel entries; ${describeKernelEntries()}. Where the HTTP share is several times the cold figure on a kernel that does not flush, the TLB is not what makes the difference)`,
    );
  }
}

/** Prints the enforcer half's target lines (under "## Targets"). @example printEnforcerTargets(http) */
export function printEnforcerTargets(http: HttpOverhead): void {
  const verdict = (o: Overhead, target: number) =>
    `${o.pct <= target ? "PASS" : "FAIL"} (target ≤ ${target}%; the interval's upper end ${o.high <= target ? "within" : "above"} it)`;
  const sliced = http.sliced.on;
  console.log(
    `- telemetry's share of server CPU at saturation (the event loop that serves requests, 8 connections) ≤ 3%: in slices ${added(sliced.cpu)} → ${verdict(sliced.cpu, 3)}; in rounds ${added(http.cpu.overhead)} → ${verdict(http.cpu.overhead, 3)}`,
  );
  console.log(
    `- telemetry adds ≤ 1% to the median latency of a request through the enforcer (HTTP, one connection): in slices ${sliced.p50 ? `${added(sliced.p50)} → ${verdict(sliced.p50, 1)}` : "not measured"}; in rounds ${added(http.p50.overhead)} → ${verdict(http.p50.overhead, 1)}`,
  );
  console.log(
    `- for scale: whole-process CPU (the worker's batches included) ${added(http.processCpu.overhead)}; requests/s at saturation ${added(http.rps.overhead)}; mean latency ${added(http.latency.overhead)}; the event-loop client instead: event-loop CPU ${added(http.cpu.loopOverhead)}, median latency ${added(http.p50.loopOverhead)}; the enforcer itself costs ${ms(http.cpu.off - http.cpu.bare)} µs of event-loop CPU per request (off − no enforcer), telemetry ${ms(http.cpu.on - http.cpu.off)} µs`,
  );
}
