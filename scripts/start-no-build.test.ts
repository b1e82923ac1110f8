import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * PORTCULLIS_NO_BUILD=1: a start that shares another server's build folder (e2e/demo-live.spec.ts beside the
 * e2e server) stops rather than rebuilding it under the running server.
 */
const start = (distDir: string, ...args: string[]) =>
  spawnSync(process.execPath, ["scripts/start.mjs", "--build-only", ...args], {
    encoding: "utf8",
    timeout: 30_000,
    env: { ...process.env, NEXT_DIST_DIR: distDir, PORTCULLIS_NO_BUILD: "1" },
  });

describe("npm start with PORTCULLIS_NO_BUILD=1", () => {
  it("stops with a message instead of building a missing or stale build", () => {
    const dist = mkdtempSync(join(tmpdir(), "pcl-dist-"));
    const r = start(dist);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/older than the sources, and PORTCULLIS_NO_BUILD=1 forbids building it here/);
    expect(r.stdout).not.toMatch(/building/);
    expect(existsSync(join(dist, "BUILD_ID"))).toBe(false);
  });

  it("refuses --rebuild too", () => {
    const dist = mkdtempSync(join(tmpdir(), "pcl-dist-"));
    writeFileSync(join(dist, "BUILD_ID"), "test");
    const r = start(dist, "--rebuild");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/to be rebuilt \(--rebuild\), and PORTCULLIS_NO_BUILD=1 forbids/);
  });

  it("uses a build that is up to date", () => {
    const dist = mkdtempSync(join(tmpdir(), "pcl-dist-"));
    writeFileSync(join(dist, "BUILD_ID"), "test"); // written now: newer than every source
    const r = start(dist);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(/building/);
  });
});
