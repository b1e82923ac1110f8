import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readCacheFile, writeFileAtomic } from "./cache.js";

describe("the config cache file", () => {
  it("is replaced atomically with mode 0600, and its directory is made again if it went away", async () => {
    const root = mkdtempSync(join(tmpdir(), "pcl-cache-"));
    const file = join(root, "nested", "config.jws");
    await writeFileAtomic(file, "a.b.c");
    expect(readFileSync(file, "utf8")).toBe("a.b.c");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await writeFileAtomic(file, "d.e.f");
    expect(await readCacheFile(file)).toBe("d.e.f");
    // Someone cleaned the cache directory while the enforcer ran: the next bundle is still kept.
    rmSync(join(root, "nested"), { recursive: true });
    await writeFileAtomic(file, "g.h.i");
    expect(await readCacheFile(file)).toBe("g.h.i");
    rmSync(root, { recursive: true });
    expect(await readCacheFile(file)).toBeUndefined();
  });
});
