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

export async function runMicro(
  keys: BenchKeys,
  tokens: string[],
  jwksUri: string,
  durationMs: number,
): Promise<MicroResult[]> {
  const n = tokens.length;
  const parts = tokens.map((t) => {
    const dot = t.lastIndexOf(".");
    return { input: Buffer.from(t.slice(0, dot)), sig: Buffer.from(t.slice(dot + 1), "base64url") };
  });
  const pick = <T>(list: T[], i: number): T => list[i % n] as T;
  const results: MicroResult[] = [];

  results.push(
    await measure(
      "raw crypto.verify (RS256, same key)",
      (i) => {
        const p = pick(parts, i);
        if (!verify("sha256", p.input, keys.publicKey, p.sig)) throw new Error("bad signature");
      },
      durationMs,
    ),
  );

  const joseOpts = { issuer: BENCH_ISSUER, audience: BENCH_AUDIENCE, algorithms: ["RS256"] };
  results.push(
    await measure("jose jwtVerify alone", (i) => jwtVerify(pick(tokens, i), keys.publicKey, joseOpts), durationMs),
  );

  const fast = createVerifier({
    key: keys.publicPem,
    algorithms: ["RS256"],
    allowedIss: BENCH_ISSUER,
    allowedAud: BENCH_AUDIENCE,
    cache: false,
  });
  results.push(await measure("fast-jwt alone (sync)", (i) => fast(pick(tokens, i)), durationMs));

  const miss = createTokenValidator({ issuer: BENCH_ISSUER, audience: BENCH_AUDIENCE, jwksUri, verifiedCacheSize: 0 });
  await miss.validate(pick(tokens, 0)); // loads the JWKS
  results.push(
    await measure("Portcullis validator (distinct tokens, misses)", (i) => miss.validate(pick(tokens, i)), durationMs),
  );

  const hit = createTokenValidator({ issuer: BENCH_ISSUER, audience: BENCH_AUDIENCE, jwksUri });
  for (const t of tokens) await hit.validate(t);
  results.push(await measure("Portcullis validator (cache hits)", (i) => hit.validate(pick(tokens, i)), durationMs));
  return results;
}
