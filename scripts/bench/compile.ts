/**
 * Compiles the enforcer and the bench servers to plain JavaScript before measuring,
 * as they ship (`dist/`), rather than running them through tsx: tsx's esbuild
 * transform keeps function names by wrapping every closure in a `__name()` call,
 * which costs a few µs per request on hot paths and would be charged to the code
 * under test. Type-only transpilation (`ts.transpileModule`); `npm run typecheck`
 * is what checks types.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import ts from "typescript";

/** The module and the bench files that run measured code; nothing else of the repo is compiled. */
const BENCH_FILES = ["bench-server.ts", "bench-keys.ts", "micro.ts", "stats.ts"].map((f) =>
  join("scripts", "bench", f),
);
const SKIP_DIRS = new Set(["examples", "testdata", "test-utils"]);

function listTs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return SKIP_DIRS.has(entry.name) ? [] : listTs(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

/**
 * Transpiles the sources under `root` into `outDir`, by default `root/node_modules/.cache/portcullis-bench`
 * (inside the repo, so bare imports still resolve to the repo's node_modules), and returns that directory.
 */
export function compileForBench(
  root: string,
  outDir = join(root, "node_modules", ".cache", "portcullis-bench"),
): string {
  rmSync(outDir, { recursive: true, force: true });
  const compilerOptions: ts.CompilerOptions = {
    module: ts.ModuleKind.ESNext,
    target: ts.ScriptTarget.ES2022,
    verbatimModuleSyntax: true,
    sourceMap: false,
  };
  for (const file of [...listTs(join(root, "lib", "enforcer")), ...BENCH_FILES.map((f) => join(root, f))]) {
    const { outputText } = ts.transpileModule(readFileSync(file, "utf8"), { compilerOptions, fileName: file });
    const target = join(outDir, relative(root, file)).replace(/\.ts$/, ".js");
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  writeFileSync(join(outDir, "package.json"), '{ "type": "module" }\n');
  return outDir;
}
