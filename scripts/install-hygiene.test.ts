/**
 * A clean first install (issue 16): on the Node the project declares (`engines.node` in package.json),
 * `npm install` prints no warning a newcomer must wonder about. npm warns EBADENGINE for every installed
 * package whose own `engines.node` excludes the running Node, and prints an "install scripts not yet
 * covered" notice for every package with an install script that `allowScripts` does not name; both are
 * read here from the committed lock, so a dependency bump that brings either back fails this test. The
 * engine and platform rules are npm's own (`npm-install-checks`, the package npm calls for them).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import semver from "semver";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(resolve(root, "package.json"), "utf8")) as {
  engines: { node: string };
  allowScripts: Record<string, boolean>;
};
interface LockedPackage {
  engines?: { node?: string } | string[];
  os?: string[];
  cpu?: string[];
  libc?: string[];
  hasInstallScript?: boolean;
}
/** npm's checks: each throws (EBADENGINE, EBADPLATFORM) where npm warns or skips the package. */
const npmChecks = createRequire(import.meta.url)("npm-install-checks") as {
  checkEngine(target: LockedPackage, npmVersion: string | null, nodeVersion: string): void;
  checkPlatform(target: LockedPackage): void;
};
const lock = JSON.parse(readFileSync(resolve(root, "package-lock.json"), "utf8")) as {
  packages: Record<string, LockedPackage>;
};

/** Whether `check` passes (npm's checks throw instead of answering). */
function passes(check: () => void): boolean {
  try {
    check();
    return true;
  } catch {
    return false;
  }
}

/** The locked packages npm installs on this platform (a platform binary for another OS, CPU or libc is skipped). */
const installed = Object.entries(lock.packages).filter(
  ([path, p]) => path !== "" && passes(() => npmChecks.checkPlatform(p)),
);

/** The package's name from its lock path (`node_modules/a/node_modules/@b/c` → `@b/c`). */
const nameOf = (path: string) => path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);

describe("a clean first install", () => {
  it("the lock holds the packages of this platform (the check below has something to read)", () => {
    expect(installed.length).toBeGreaterThan(300);
    expect(installed.some(([path]) => path === "node_modules/next")).toBe(true);
  });

  it("every installed package admits the oldest Node that package.json declares (no EBADENGINE warning)", () => {
    const oldest = semver.minVersion(pkg.engines.node)?.version;
    expect(oldest).toBeDefined();
    // The Node these machines and CI run must be one the project declares.
    expect(semver.satisfies(process.version, pkg.engines.node)).toBe(true);
    const refused = installed
      .filter(([, p]) => !passes(() => npmChecks.checkEngine(p, null, oldest as string)))
      .map(([path, p]) => `${nameOf(path)} wants node ${Array.isArray(p.engines) ? p.engines : p.engines?.node}`);
    expect(refused).toEqual([]);
  });

  it("every package with an install script is named in allowScripts (no install-scripts notice)", () => {
    const withScripts = [...new Set(installed.filter(([, p]) => p.hasInstallScript).map(([path]) => nameOf(path)))];
    expect(withScripts.length).toBeGreaterThan(0);
    expect(withScripts.filter((name) => !(name in pkg.allowScripts))).toEqual([]);
  });
});
