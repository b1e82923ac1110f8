/**
 * The README's enforcer section shows only code that type-checks: every TypeScript block names its
 * file in `lib/enforcer/examples/` (compiled by `tsc -p lib/enforcer`) and must equal it, and every
 * example appears in the README. Editing one without the other fails here.
 */
import { readdir, readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const HEADING = "## The enforcer (`portcullis/enforcer`)";

async function enforcerSection(): Promise<string> {
  const readme = await readFile(join(root, "README.md"), "utf8");
  const start = readme.indexOf(HEADING);
  expect(start, "README has the enforcer section").toBeGreaterThanOrEqual(0);
  const next = readme.indexOf("\n## ", start + HEADING.length);
  return readme.slice(start, next < 0 ? undefined : next);
}

/** The ```ts blocks of a Markdown text, as { file, code } (file from the first comment line). */
function tsBlocks(markdown: string): { file: string | undefined; code: string }[] {
  return [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => {
    const body = m[1] ?? "";
    const header = /^\/\/ (lib\/enforcer\/examples\/[a-z-]+\.ts)\n/.exec(body);
    return { file: header?.[1], code: header ? body.slice(header[0].length) : body };
  });
}

describe("README enforcer section", () => {
  it("shows each TypeScript snippet exactly as its type-checked example file", async () => {
    const blocks = tsBlocks(await enforcerSection());
    expect(blocks.length).toBeGreaterThan(5);
    for (const block of blocks) {
      expect(block.file, `a snippet without its example file:\n${block.code.slice(0, 200)}`).toBeDefined();
      const file = await readFile(join(root, block.file ?? ""), "utf8");
      expect(block.code, `${block.file} differs from the README`).toBe(file);
    }
  });

  it("shows every example file", async () => {
    const shown = new Set(tsBlocks(await enforcerSection()).map((b) => b.file));
    const examples = (await readdir(join(root, "lib/enforcer/examples"))).filter((f) => f.endsWith(".ts"));
    expect(examples.length).toBeGreaterThan(5);
    for (const f of examples) expect(shown.has(`lib/enforcer/examples/${f}`), `${f} is not in the README`).toBe(true);
  });
});
