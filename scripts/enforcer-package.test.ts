/**
 * `portcullis/enforcer` as a package: the real build (`lib/enforcer/tsconfig.build.json`) into a
 * temporary directory, loaded by a plain `node` child process (no tsx, no vitest transforms), and its
 * output scanned so that nothing but jose, zod and Node built-ins is ever imported at run time.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const ALLOWED_PACKAGES = new Set(["jose", "zod"]);
let outDir = "";

/** Every file below `dir`, relative to it, with `/` separators. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split("\\").join("/"))
    .sort();
}

/**
 * Every module specifier of a file (imports, re-exports, side-effect and dynamic imports, `import("…")`
 * types), read by the TypeScript scanner so that examples in doc comments do not count.
 */
function specifiers(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), "portcullis-enforcer-"));
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  await run(process.execPath, [tsc, "-p", "lib/enforcer/tsconfig.build.json", "--outDir", outDir], { cwd: root });
  // The built files are ESM (.js); outside the repo they need their own package scope and dependencies.
  await writeFile(join(outDir, "package.json"), JSON.stringify({ type: "module" }));
  await symlink(join(root, "node_modules"), join(outDir, "node_modules"), "dir");
}, 120_000);

afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

describe("portcullis/enforcer build", () => {
  it("emits ESM and declarations for the entry point and nothing of the tests", async () => {
    const files = await listFiles(outDir).then((all) => all.filter((f) => !f.startsWith("node_modules")));
    expect(files).toContain("index.js");
    expect(files).toContain("index.d.ts");
    expect(files).toContain("adapters/node-http.js");
    expect(files.filter((f) => /\.test\.|test-utils\/|testdata\/|examples\//.test(f))).toEqual([]);
    for (const js of files.filter((f) => f.endsWith(".js"))) {
      expect(files, `${js} has no declaration`).toContain(js.replace(/\.js$/, ".d.ts"));
    }
  });

  it("matches package.json exports", async () => {
    const pkg = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as {
      exports: Record<string, { types: string; default: string }>;
    };
    expect(pkg.exports["./enforcer"]).toEqual({
      types: "./dist/enforcer/index.d.ts",
      default: "./dist/enforcer/index.js",
    });
  });

  it("loads in plain Node and works: errors, reason codes, policy schema, RFC 9728 metadata", async () => {
    const script = `
      const m = await import(${JSON.stringify(join(outDir, "index.js"))});
      const policy = m.EnforcerPolicy.parse({
        resource: { uri: "https://mcp.example.com/mcp", name: "files" },
        idp: { kind: "oidc", issuers: ["https://idp.example.com/"], jwksUri: "https://idp.example.com/jwks",
               audiences: ["https://mcp.example.com/mcp"], authorizationServers: ["https://idp.example.com/"] },
      });
      const err = new m.EnforcerError(m.ReasonCode.InsufficientScope, "needs more", { requiredScopes: ["mcp:tools"] });
      const enforcer = m.createEnforcer({ policy });
      const denied = await enforcer.handle(new Request("https://mcp.example.com/mcp", { method: "POST" }), async () => new Response("no"));
      console.log(JSON.stringify({
        types: Object.fromEntries(["createEnforcer", "createTokenValidator", "ReasonCode", "EnforcerError",
          "protectedResourceMetadata", "createConfigClient", "createNodeHandler"].map((n) => [n, typeof m[n]])),
        validator: typeof m.createTokenValidator({ issuer: "https://idp.example.com/", audience: "a", jwksUri: "https://idp.example.com/jwks" }).validate,
        status: err.status,
        challenge: err.challenge({ resourceMetadata: "https://mcp.example.com/.well-known/oauth-protected-resource/mcp" }),
        metadata: m.protectedResourceMetadata(policy),
        denied: { status: denied.status, challenge: denied.headers.get("www-authenticate") },
      }));`;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: outDir });
    const out = JSON.parse(stdout);
    expect(out.types).toEqual({
      createEnforcer: "function",
      createTokenValidator: "function",
      ReasonCode: "object",
      EnforcerError: "function",
      protectedResourceMetadata: "function",
      createConfigClient: "function",
      createNodeHandler: "function",
    });
    expect(out.validator).toBe("function");
    expect(out.status).toBe(403);
    expect(out.challenge).toBe(
      'Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp", ' +
        'error="insufficient_scope", error_description="needs more", scope="mcp:tools"',
    );
    expect(out.metadata).toEqual({
      resource: "https://mcp.example.com/mcp",
      authorization_servers: ["https://idp.example.com/"],
      // Derived from the default method rules (issue 20): every scope a client may be asked for.
      scopes_supported: ["mcp:tools", "mcp:tools:read", "mcp:tools:execute", "mcp:resources", "mcp:prompts"],
      bearer_methods_supported: ["header"],
      resource_name: "files",
    });
    expect(out.denied).toEqual({
      status: 401,
      // Issue 20: every 401 names the baseline scope.
      challenge:
        'Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp", scope="mcp:tools"',
    });
  });

  it("ships its telemetry worker: the built client sends from a worker thread in plain Node", async () => {
    // Issue 17: the worker script resolves beside the built client, with no second entry point to configure.
    const script = `
      const { createServer } = await import("node:http");
      const m = await import(${JSON.stringify(join(outDir, "index.js"))});
      let received = 0;
      const server = createServer((req, res) => { received++; req.resume(); req.on("end", () => res.end("{}")); });
      await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
      const telemetry = m.createTelemetryClient({ url: "http://127.0.0.1:" + server.address().port, credential: "pcl_x", offload: "worker" });
      telemetry.emit({ type: "decision", at: Date.now(), outcome: "allow", resource: "r", latencyMs: 1 });
      await telemetry.flush();
      const { thread, sent } = telemetry.stats();
      await telemetry.close();
      server.close();
      console.log(JSON.stringify({ thread, sent, received }));`;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: outDir });
    expect(JSON.parse(stdout)).toEqual({ thread: "worker", sent: 1, received: 1 });
    const files = await listFiles(outDir);
    expect(files).toContain("telemetry/worker.js");
  });

  it("imports nothing at run time or in its types but jose, zod, node: built-ins and its own files", async () => {
    const files = (await listFiles(outDir)).filter((f) => !f.startsWith("node_modules") && /\.(js|d\.ts)$/.test(f));
    const offending: string[] = [];
    let relativeCount = 0;
    for (const file of files) {
      for (const spec of specifiers(await readFile(join(outDir, file), "utf8"))) {
        if (spec.startsWith("./") || spec.startsWith("../")) {
          relativeCount++;
          const target = resolve(dirname(join(outDir, file)), spec);
          if (!target.startsWith(`${outDir}/`) || !spec.endsWith(".js")) offending.push(`${file}: ${spec}`);
        } else if (!spec.startsWith("node:") && !ALLOWED_PACKAGES.has(spec)) {
          offending.push(`${file}: ${spec}`);
        }
      }
    }
    expect(relativeCount).toBeGreaterThan(50); // the scan really read the import graph
    expect(offending).toEqual([]);
  });
});
