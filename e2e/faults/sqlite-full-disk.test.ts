import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTelemetryClient, type TelemetryEvent } from "@/lib/enforcer";
import { fillDisk, type ServerProcess, startServer, timedFetch, until } from "./harness";

/**
 * Issue 23 §5: the SQLite control plane with its data file on a disk that fills up, for real (a tmpfs).
 * A write on the full disk fails within a second as 503 `storage_full` with Retry-After; reads and
 * config serving go on; /api/health says writes are degraded; once space is back, writes resume with
 * no restart; after a hard kill and a restart, every event the enforcer was told was stored is there.
 * Mounting needs root (CI runs as root); otherwise the test is skipped with a message.
 */
function canMountTmpfs(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = mkdtempSync(join(tmpdir(), "portcullis-mount-probe-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", probe], { stdio: "ignore" });
    execFileSync("umount", [probe], { stdio: "ignore" });
    return true;
  } catch {
    return false; // root without CAP_SYS_ADMIN (some containers)
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}
const canMount = canMountTmpfs();
if (!canMount)
  console.warn(
    "faults: SKIPPED the SQLite full-disk test: it mounts a tmpfs, which needs root (CI runs as root) with CAP_SYS_ADMIN.",
  );

const decision = (i: number): TelemetryEvent => ({
  type: "decision",
  at: Date.now(),
  outcome: i % 7 === 0 ? "deny" : "allow",
  ...(i % 7 === 0 ? { reason: "insufficient_scope" as const } : {}),
  resource: "https://mcp.example.test/mcp",
  clientId: `client-${i % 13}`,
  subject: `user-${i % 101}`,
  method: "tools/call",
  tool: `tool-${i % 5}`,
  latencyMs: (i % 50) / 10,
});

describe.skipIf(!canMount)("SQLite control plane on a full disk (tmpfs)", () => {
  let dir = "";
  let url = "";
  const servers: ServerProcess[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "portcullis-full-disk-"));
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=24m", "tmpfs", dir]);
    copyFileSync(inject("faultsSqliteTemplate"), join(dir, "control-plane.db")); // migrated by global-setup.ts
    url = `file:${dir}/control-plane.db`;
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop("SIGKILL")));
    if (dir) {
      execFileSync("umount", ["-l", dir]);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses writes fast with 503 storage_full, heals by itself, and loses nothing acknowledged", async () => {
    let server = await startServer(url);
    servers.push(server);
    const { body: seeded } = await timedFetch(`${server.url}/test/seed`, { method: "POST" }, 60_000);
    // `unused`: a second credential never used before the disk is full, so serving config to it tries
    // to record its first use (a write).
    const { resourceId, secret, unused } = seeded as { resourceId: string; secret: string; unused: string };
    const auth = { authorization: `Bearer ${secret}` };

    const telemetry = createTelemetryClient({
      url: server.url,
      credential: secret,
      flushIntervalMs: 50,
      initialBackoffMs: 50,
      maxBackoffMs: 250, // caps Retry-After too: the test need not wait 10 s
      heartbeatIntervalMs: 0,
      requestTimeoutMs: 5_000,
    });
    let emitted = 0;
    const emit = (n: number) => {
      for (let i = 0; i < n; i++) telemetry.emit(decision(emitted++));
    };
    const adminWrite = () =>
      timedFetch(`${server.url}/test/admin-write`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ resourceId }),
      });
    const acknowledgedCredentials: string[] = [];
    let acceptedDirect = 0;

    // A healthy start.
    emit(1000);
    await until(() => telemetry.stats().sent === 1000, 10_000, "the first 1,000 events");
    const first = await adminWrite();
    expect(first.res.status).toBe(201);
    acknowledgedCredentials.push(String(first.body.id));

    // Fill the disk, then write until SQLite needs a page it cannot get. Every answer comes fast.
    fillDisk(join(dir, "filler"));
    let refused: Awaited<ReturnType<typeof timedFetch>> | undefined;
    const timings: number[] = [];
    for (let i = 0; i < 300 && !refused; i++) {
      const r = await timedFetch(`${server.url}/api/v1/telemetry`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json", "idempotency-key": `full-disk-${i}` },
        body: JSON.stringify({ events: Array.from({ length: 200 }, (_, j) => decision(i * 200 + j)) }),
      });
      timings.push(r.ms);
      if (r.res.status === 503) refused = r;
      else {
        expect(r.res.status).toBe(200);
        acceptedDirect += Number(r.body.accepted);
      }
    }
    expect(refused, "a batch refused on the full disk").toBeDefined();
    expect(refused?.body.error).toMatchObject({ code: "storage_full" });
    expect(Number(refused?.res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused?.ms, "the refusal came fast").toBeLessThan(1000);
    expect(Math.max(...timings), "no post hung").toBeLessThan(4000);

    // An audited admin write: refused just as fast, and the next one too (no leaked lock, no hang).
    for (let i = 0; i < 2; i++) {
      const w = await adminWrite();
      expect(w.res.status).toBe(503);
      expect(w.body.error).toMatchObject({ code: "storage_full" });
      expect(Number(w.res.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(w.ms).toBeLessThan(1000);
    }

    // Reads go on, config serving too (its best-effort lastUsedAt write fails); health says writes
    // are degraded (200: this instance still serves config).
    const config = await timedFetch(`${server.url}/api/v1/enforcer/config?wait=0`, {
      headers: { authorization: `Bearer ${unused}` },
    });
    expect(config.res.status).toBe(200);
    const sick = await timedFetch(`${server.url}/api/health`);
    expect(sick.res.status).toBe(200);
    expect(sick.body).toMatchObject({ status: "degraded", writes: { status: "degraded", fault: "storage_full" } });

    // The enforcer keeps what it could not deliver.
    emit(2500);
    await until(() => telemetry.stats().failedAttempts > 0, 5_000, "a failed telemetry post");
    expect(telemetry.stats().queued).toBeGreaterThan(0);

    // Space comes back: writes resume by themselves, no restart.
    const freedAt = performance.now();
    rmSync(join(dir, "filler"));
    await until(() => telemetry.stats().queued === 0, 10_000, "the queued events to be delivered");
    process.stdout.write(
      `full disk: queue drained ${Math.round(performance.now() - freedAt)} ms after space returned\n`,
    );
    const healed = await timedFetch(`${server.url}/api/health`);
    expect(healed.body).toMatchObject({ status: "ok", writes: { status: "ok" } });
    const after = await adminWrite();
    expect(after.res.status).toBe(201);
    acknowledgedCredentials.push(String(after.body.id));

    // A hard kill and a restart: everything acknowledged is in the database, nothing twice.
    const acknowledgedEvents = telemetry.stats().sent + acceptedDirect;
    expect(telemetry.stats()).toMatchObject({ dropped: 0, rejected: 0 });
    await telemetry.close(1000);
    await server.stop("SIGKILL");
    server = await startServer(url);
    servers.push(server);
    const counts = await timedFetch(`${server.url}/test/counts?resourceId=${encodeURIComponent(resourceId)}`);
    expect(telemetry.stats().sent).toBe(emitted);
    expect(counts.body.events).toBe(acknowledgedEvents);
    expect(counts.body.credentialIds).toEqual(expect.arrayContaining(acknowledgedCredentials));
    process.stdout.write(
      `full disk: ${emitted} events emitted, ${acknowledgedEvents} acknowledged (${acceptedDirect} by direct posts), all stored after restart\n`,
    );
  }, 90_000);
});
