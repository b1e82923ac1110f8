/**
 * The `x-mcp-header` declarations of the server's tools (MCP 2026-07-28, "Custom Headers from Tool Parameters"),
 * learned from the `tools/list` results the enforcer filters. They make `Mcp-Param-{Name}` headers "recognised":
 * a tools/call for a known tool must carry matching headers (mcp/headers.ts). A tool the enforcer has not seen
 * listed (e.g. after a restart) has its headers forwarded unchecked; the MCP server checks them itself.
 */

/** One declaration: the argument path and the header's `{Name}`. @example { path: ["region"], headerName: "Region", type: "string" } */
export interface ToolHeaderDeclaration {
  path: readonly string[];
  headerName: string;
  type: string | undefined;
}

/** RFC 9110 §5.1 token. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const MAX_TOOLS = 5000;
const MAX_DEPTH = 8;

/**
 * The declarations of one `inputSchema`: every `x-mcp-header` reachable through `properties` only. Invalid
 * annotations (not a token, not on a primitive) are skipped: spec-conforming clients drop such tools anyway.
 *
 * @example
 * scanToolHeaders({ type: "object", properties: { region: { type: "string", "x-mcp-header": "Region" } } })
 * // [{ path: ["region"], headerName: "Region", type: "string" }]
 */
export function scanToolHeaders(schema: unknown): ToolHeaderDeclaration[] {
  const out: ToolHeaderDeclaration[] = [];
  const seen = new Set<string>();
  const visit = (node: unknown, path: string[]) => {
    if (node === null || typeof node !== "object" || path.length > MAX_DEPTH) return;
    const s = node as Record<string, unknown>;
    const name = s["x-mcp-header"];
    const type = typeof s.type === "string" ? s.type : undefined;
    if (path.length > 0 && typeof name === "string" && TOKEN.test(name) && !seen.has(name.toLowerCase())) {
      if (type === "string" || type === "integer" || type === "boolean" || type === "number") {
        seen.add(name.toLowerCase());
        out.push({ path, headerName: name, type });
      }
    }
    const props = s.properties;
    if (props !== null && typeof props === "object" && !Array.isArray(props)) {
      for (const [key, child] of Object.entries(props)) visit(child, [...path, key]);
    }
  };
  visit(schema, []);
  return out;
}

/**
 * A bounded map tool name → declarations, per enforcer.
 *
 * @example
 * const store = createToolHeaderStore(); store.learn(result.tools); store.get("read_file");
 */
export interface ToolHeaderStore {
  /** Records the declarations of every tool of a `tools/list` result (unfiltered). */
  learn(tools: readonly unknown[]): void;
  get(toolName: string): readonly ToolHeaderDeclaration[] | undefined;
}

/** Creates a {@link ToolHeaderStore}. @example const store = createToolHeaderStore(); */
export function createToolHeaderStore(): ToolHeaderStore {
  const byTool = new Map<string, readonly ToolHeaderDeclaration[]>();
  return {
    learn(tools) {
      for (const tool of tools) {
        if (tool === null || typeof tool !== "object") continue;
        const { name, inputSchema } = tool as { name?: unknown; inputSchema?: unknown };
        if (typeof name !== "string") continue;
        const declarations = scanToolHeaders(inputSchema);
        byTool.delete(name);
        // A tool without declarations is remembered too: a later listing may have dropped them.
        byTool.set(name, declarations);
        if (byTool.size > MAX_TOOLS) {
          const oldest = byTool.keys().next();
          if (!oldest.done) byTool.delete(oldest.value);
        }
      }
    },
    get: (toolName) => byTool.get(toolName),
  };
}
