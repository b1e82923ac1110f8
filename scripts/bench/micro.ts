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

/** What `runMicro` returns: one row per case, plus the head-to-head ratios of the interleaved rounds. */
export interface MicroReport {
  results: MicroResult[];
  rounds: number;
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
    oursVsRaw: interval(idx.map((r) => us(0, r) / us(2, r))),
    fastVsRaw: interval(idx.map((r) => us(0, r) / us(1, r))),
    oursVsFast: interval(idx.map((r) => us(1, r) / us(2, r))),
  };
}
