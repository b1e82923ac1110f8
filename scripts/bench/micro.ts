/**
 * In-process verification benchmarks: the raw `crypto.verify` limit, jose,
 * fast-jwt and Portcullis's validator (cache misses and cache hits), all on the
 * same RS256 key and the same 1,000 distinct tokens.
 */
import { verify } from "node:crypto";
import { createVerifier } from "fast-jwt";
import { jwtVerify } from "jose";
import { createTokenValidator } from "../../lib/enforcer/token/validator.js";
import { BENCH_AUDIENCE, BENCH_ISSUER, type BenchKeys } from "./bench-keys.js";
import { abbaOverheadPct } from "./stats.js";

export interface MicroResult {
  name: string;
  opsPerSec: number;
  /** CPU µs per operation. */
  usPerOp: number;
  /** Median wall-clock latency of one call. */
  p50Us: number;
}

/** Runs `fn` for `durationMs` after a warm-up, timing every call. */
async function measure(name: string, fn: (i: number) => unknown, durationMs: number): Promise<MicroResult> {
  const warmUntil = performance.now() + 200;
  let i = 0;
  while (performance.now() < warmUntil) await fn(i++);
  const samples: number[] = [];
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const stopAt = start + durationMs;
  for (;;) {
    const t0 = process.hrtime.bigint();
    const r = fn(i++);
    if (r instanceof Promise) await r;
    samples.push(Number(process.hrtime.bigint() - t0) / 1000);
    if ((samples.length & 63) === 0 && performance.now() >= stopAt) break;
  }
  // Throughput from this process's CPU time, not wall time: preemption by other processes is not charged to the code.
  const cpu = process.cpuUsage(cpuStart);
  const elapsedSec = (cpu.user + cpu.system) / 1e6;
  samples.sort((a, b) => a - b);
  return {
    name,
    opsPerSec: samples.length / elapsedSec,
    usPerOp: (elapsedSec * 1e6) / samples.length,
    p50Us: samples[Math.floor(samples.length / 2)] ?? Number.NaN,
  };
}

/** Median and min–max of per-round ratios (each round measures both sides back to back). */
export interface RatioInterval {
  median: number;
  min: number;
  max: number;
}

/** A ratio's median over ABBA blocks with its 90 % bootstrap interval. */
export interface BlockRatio {
  median: number;
  low: number;
  high: number;
}

/**
 * The same three cases interleaved finely: blocks of `blockSize` checks (a few ms each) in ABC, CBA, …
 * order, each block's CPU time read around it; two consecutive passes form one ABBA block, whose ratio
 * is the sum of one case's two blocks over the other's. Blocks milliseconds apart see the same machine,
 * where rounds a second apart do not (this VM's speed moves by ±15-25 % from one second to the next).
 */
export interface BlockComparison {
  blocks: number;
  blockSize: number;
  oursVsRaw: BlockRatio;
  fastVsRaw: BlockRatio;
  oursVsFast: BlockRatio;
}

/** What `runMicro` returns: one row per case, plus the head-to-head ratios of the interleaved rounds. */
export interface MicroReport {
  results: MicroResult[];
  rounds: number;
  /** The head-to-head in fine blocks (the verdict's measure). */
  fine: BlockComparison;
  /** Portcullis validator (misses) ÷ raw `crypto.verify`, per round. */
  oursVsRaw: RatioInterval;
  /** fast-jwt ÷ raw `crypto.verify`, per round. */
  fastVsRaw: RatioInterval;
  /** Portcullis validator (misses) ÷ fast-jwt, per round. */
  oursVsFast: RatioInterval;
}

function interval(values: number[]): RatioInterval {
  const v = [...values].sort((a, b) => a - b);
  return { median: v[Math.floor(v.length / 2)] ?? Number.NaN, min: v[0] ?? Number.NaN, max: v.at(-1) ?? Number.NaN };
}

/** One row from a case's rounds: the mean CPU time per operation, and the median of the rounds' p50s. */
function combine(name: string, rounds: MicroResult[]): MicroResult {
  const usPerOp = rounds.reduce((a, r) => a + r.usPerOp, 0) / rounds.length;
  return {
    name,
    opsPerSec: 1e6 / usPerOp,
    usPerOp,
    p50Us: interval(rounds.map((r) => r.p50Us)).median,
  };
}

/** CPU µs (this process, every thread) of `n` calls of a synchronous `fn` from index `start`. */
function blockCpuUs(fn: (i: number) => unknown, start: number, n: number): number {
  const before = process.cpuUsage();
  for (let k = 0; k < n; k++) {
    if (fn(start + k) instanceof Promise) throw new Error("a fine block needs synchronous checks");
  }
  const used = process.cpuUsage(before);
  return used.user + used.system;
}

/**
 * Runs the compared cases in fine ABBA blocks for about `durationMs` (see {@link BlockComparison}); every
 * case checks the same tokens in a pass. `faster ÷ slower` is read as in the rounds: the first case's
 * CPU over the second's.
 */
function interleavedBlocks(
  compared: [string, (i: number) => unknown][],
  blockSize: number,
  durationMs: number,
): BlockComparison {
  const cpu: number[][] = compared.map(() => []);
  const stopAt = performance.now() + durationMs;
  let start = 0;
  for (let pass = 0; performance.now() < stopAt || pass % 2 === 1; pass++) {
    const order = pass % 2 === 0 ? [0, 1, 2] : [2, 1, 0];
    for (const k of order)
      cpu[k]?.push(blockCpuUs((compared[k] as [string, (i: number) => unknown])[1], start, blockSize));
    start += blockSize;
  }
  // Two consecutive passes are one ABBA block: stats.ts's block ratio, its median and interval (in %, to 0.1).
  const ratio = (num: number, den: number): BlockRatio => {
    const { pct, low, high } = abbaOverheadPct(cpu[num] as number[], cpu[den] as number[]);
    return { median: 1 + pct / 100, low: 1 + low / 100, high: 1 + high / 100 };
  };
  return {
    blocks: Math.floor((cpu[0]?.length ?? 0) / 2),
    blockSize,
    oursVsRaw: ratio(0, 2),
    fastVsRaw: ratio(0, 1),
    oursVsFast: ratio(1, 2),
  };
}

/**
 * Raw `crypto.verify`, fast-jwt and Portcullis's validator are the three cases compared head to head, so
 * they run in `rounds` interleaved rounds in ABBA order (A B C, C B A, …): drift of the machine during
 * the run (other processes, CPU frequency) lands on all three alike, and every ratio is taken within a
 * round. jose and the cache-hit case run once each (their targets are far from the line).
 */
export async function runMicro(
  keys: BenchKeys,
  tokens: string[],
  jwksUri: string,
  durationMs: number,
  rounds = 6,
  fine = { blockSize: 200, durationMs: 15_000 },
): Promise<MicroReport> {
  const n = tokens.length;
  const parts = tokens.map((t) => {
    const dot = t.lastIndexOf(".");
    return { input: Buffer.from(t.slice(0, dot)), sig: Buffer.from(t.slice(dot + 1), "base64url") };
  });
  const pick = <T>(list: T[], i: number): T => list[i % n] as T;

  const raw = (i: number) => {
    const p = pick(parts, i);
    if (!verify("sha256", p.input, keys.publicKey, p.sig)) throw new Error("bad signature");
  };
  const fast = createVerifier({
    key: keys.publicPem,
    algorithms: ["RS256"],
    allowedIss: BENCH_ISSUER,
    allowedAud: BENCH_AUDIENCE,
    cache: false,
  });
  // Every check of a real request (strict parse, alg allowlist, kid lookup in the JWKS cache, signature,
  // iss/aud/exp/nbf/iat/sub/lifetime, typ, claim-profile normalisation), through `validateNow`, the entry
  // the enforcer's request path calls (the result itself when nothing needs waiting for).
  const miss = createTokenValidator({ issuer: BENCH_ISSUER, audience: BENCH_AUDIENCE, jwksUri, verifiedCacheSize: 0 });
  await miss.validate(pick(tokens, 0)); // loads the JWKS
  const compared: [string, (i: number) => unknown][] = [
    ["raw crypto.verify (RS256, same key)", raw],
    ["fast-jwt alone (sync)", (i) => fast(pick(tokens, i))],
    ["Portcullis validator (distinct tokens, misses)", (i) => miss.validateNow(pick(tokens, i))],
  ];
  const perCase: MicroResult[][] = compared.map(() => []);
  const roundMs = Math.max(200, Math.round(durationMs / 2));
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? [0, 1, 2] : [2, 1, 0];
    for (const k of order) {
      const [name, fn] = compared[k] as [string, (i: number) => unknown];
      perCase[k]?.push(await measure(name, fn, roundMs));
    }
  }
  const fineReport = interleavedBlocks(compared, fine.blockSize, fine.durationMs);
  const us = (k: number, r: number) => perCase[k]?.[r]?.usPerOp ?? Number.NaN;
  const idx = [...Array(rounds).keys()];
  const [rawRow, fastRow, oursRow] = compared.map(([name], k) => combine(name, perCase[k] ?? []));

  const joseOpts = { issuer: BENCH_ISSUER, audience: BENCH_AUDIENCE, algorithms: ["RS256"] };
  const joseRow = await measure(
    "jose jwtVerify alone",
    (i) => jwtVerify(pick(tokens, i), keys.publicKey, joseOpts),
    durationMs,
  );
  const hit = createTokenValidator({ issuer: BENCH_ISSUER, audience: BENCH_AUDIENCE, jwksUri });
  for (const t of tokens) await hit.validate(t);
  const hitRow = await measure("Portcullis validator (cache hits)", (i) => hit.validate(pick(tokens, i)), durationMs);
  return {
    results: [rawRow, joseRow, fastRow, oursRow, hitRow] as MicroResult[],
    rounds,
    fine: fineReport,
    oursVsRaw: interval(idx.map((r) => us(0, r) / us(2, r))),
    fastVsRaw: interval(idx.map((r) => us(0, r) / us(1, r))),
    oursVsFast: interval(idx.map((r) => us(1, r) / us(2, r))),
  };
}
