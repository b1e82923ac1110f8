/**
 * Loading for `bench:telemetry`'s database half (telemetry-db.ts measures): the bench's own database
 * (bench-db.ts: `portcullis_bench_telemetry` on SQLite or PostgreSQL, never the dev one), the seeded
 * resource and enforcer credential, and millions of generated events with their rollups.
 */
import type { db as Db } from "@/lib/server/db";
import { dropBenchDatabase, openBenchDatabase } from "./bench-db";
import { backfillHoursSql, type Dialect, generateSql, rollupSql } from "./telemetry-data";

const DB_NAME = "portcullis_bench_telemetry";

/** Creates the bench's empty database, points this process at it and migrates it. */
export const prepareDatabase = (dialect: Dialect) => openBenchDatabase(dialect, DB_NAME);
/** Removes the bench's database. */
export const dropDatabase = (dialect: Dialect) => dropBenchDatabase(dialect, DB_NAME);

/** The seeding and loading steps over an open control-plane database. */
export function createLoader(db: typeof Db, dialect: Dialect, start: number, log: (msg: string) => void) {
  /** An IdP profile, resource `bench-res-0` and an enforcer credential; returns the credential. */
  async function seedCredential(): Promise<string> {
    const idp = await db().idpProfile.create({
      data: {
        name: "bench",
        kind: "oidc",
        settings: "{}",
        issuers: "[]",
        discoveryUrl: "https://idp.example.com/.well-known/openid-configuration",
        jwksUri: "https://idp.example.com/jwks",
      },
    });
    await db().mcpResource.create({
      data: {
        id: "bench-res-0",
        name: "bench-0",
        uri: "https://bench.example.com/mcp",
        idpProfileId: idp.id,
        draft: "{}",
      },
    });
    const { generateCredential } = await import("@/lib/server/enforcers/credential-format");
    const c = generateCredential();
    await db().enforcerCredential.create({
      data: { resourceId: "bench-res-0", name: "bench", prefix: c.prefix, secretHash: c.secretHash },
    });
    return c.token;
  }

  async function maxId(): Promise<number> {
    const r = await db().telemetryEvent.aggregate({ _max: { id: true } });
    return r._max.id ?? 0;
  }

  /** Generates raw rows n in [from, to) and their rollups, in chunks of 500k. */
  async function load(from: number, to: number): Promise<void> {
    const CHUNK = 500_000;
    for (let a = from; a < to; a += CHUNK) {
      const b = Math.min(to, a + CHUNK);
      const before = await maxId();
      const t0 = performance.now();
      await db().$executeRawUnsafe(generateSql(dialect, a, b, start));
      const after = await maxId();
      const t1 = performance.now();
      await db().$transaction(
        async (tx) => {
          for (const sql of rollupSql(dialect, before + 1, after)) await tx.$executeRawUnsafe(sql);
        },
        { timeout: 600_000, maxWait: 60_000 },
      );
      const secs = (x: number) => (x / 1000).toFixed(1);
      log(
        `loaded ${b.toLocaleString("en-US")} events (raw ${secs(t1 - t0)} s, rollups ${secs(performance.now() - t1)} s)`,
      );
    }
    // The first whole day of generated data: older hourly/daily rows are the backfilled weeks.
    const startDay = Math.ceil(start / 86_400_000) * 1440;
    for (const sql of backfillHoursSql(startDay)) await db().$executeRawUnsafe(sql);
    // Statistics for the planners; on PostgreSQL also the visibility map (index-only scans), as
    // autovacuum keeps it in a running system.
    await db().$executeRawUnsafe(dialect === "postgres" ? "VACUUM ANALYZE" : "ANALYZE");
  }
  return { seedCredential, load };
}
