import "server-only";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { secureUrlProblem } from "@/lib/schemas/idp-profiles";
import type { ImportToolsInput } from "@/lib/schemas/resources";
import { AppError } from "../errors";

export interface DiscoveredTool {
  name: string;
  title: string | null;
  description: string | null;
}

export const IMPORT_TIMEOUT_MS = 10_000;
const MAX_PAGES = 20;
const MAX_TOOLS = 1000;

/**
 * Call a running MCP server's `tools/list` (all pages) from the server, never the browser, with the
 * official SDK client over Streamable HTTP. The bearer token the admin pasted is used for this call
 * only: it is not stored, not logged and not audited, and it is scrubbed from any error message.
 */
export async function listToolsFromServer(
  input: ImportToolsInput,
  timeoutMs = IMPORT_TIMEOUT_MS,
): Promise<DiscoveredTool[]> {
  const problem = secureUrlProblem(input.serverUrl, { allowQuery: true });
  if (problem) throw new AppError("invalid_input", problem, { fieldErrors: { serverUrl: [problem] } });
  const token = input.bearerToken;
  const scrub = (msg: string) => (token ? msg.split(token).join("[token]") : msg);
  // Every request the transport makes (including redirects it follows) must stay on https or loopback.
  const guardedFetch: typeof fetch = async (url, init) => {
    const target = url instanceof Request ? url.url : String(url);
    const p = secureUrlProblem(target, { allowQuery: true });
    if (p) throw new Error(`refused ${target}: ${p}`);
    return fetch(url, init);
  };
  const transport = new StreamableHTTPClientTransport(new URL(input.serverUrl), {
    fetch: guardedFetch,
    requestInit: token ? { headers: { authorization: `Bearer ${token}` } } : {},
    reconnectionOptions: {
      maxRetries: 0,
      initialReconnectionDelay: 1000,
      maxReconnectionDelay: 1000,
      reconnectionDelayGrowFactor: 1,
    },
  });
  const client = new Client({ name: "portcullis-tool-import", version: "1.0.0" }, { capabilities: {} });
  const deadline = AbortSignal.timeout(timeoutMs);
  try {
    await client.connect(transport, { signal: deadline, timeout: timeoutMs });
    const found = new Map<string, DiscoveredTool>();
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES && found.size < MAX_TOOLS; page++) {
      const res = await client.listTools(cursor ? { cursor } : {}, { signal: deadline, timeout: timeoutMs });
      for (const t of res.tools) {
        if (found.size >= MAX_TOOLS) break;
        found.set(t.name, { name: t.name, title: t.title ?? null, description: t.description?.slice(0, 2000) ?? null });
      }
      cursor = res.nextCursor;
      if (!cursor) break;
    }
    return [...found.values()];
  } catch (err) {
    throw new AppError("bad_request", scrub(describeImportError(err, deadline.aborted, timeoutMs)));
  } finally {
    await client.close().catch(() => {});
  }
}

function describeImportError(err: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `The MCP server did not answer within ${timeoutMs / 1000} s.`;
  const message = err instanceof Error ? err.message : String(err);
  const cause = (err as { cause?: { code?: string } })?.cause?.code;
  // The SDK's StreamableHTTPError carries the HTTP status as a numeric `code`.
  const rawStatus = (err as { code?: unknown })?.code;
  const status = typeof rawStatus === "number" ? rawStatus : null;
  if (status === 401 || err?.constructor?.name === "UnauthorizedError" || /\b401\b/.test(message))
    return "The MCP server refused the request (401): paste a valid access token for it, or check that it accepts anonymous tools/list.";
  if (status === 403)
    return "The MCP server answered 403: the token lacks a scope that allows tools/list (mcp:tools or mcp:tools:read).";
  if (cause === "ECONNREFUSED" || /ECONNREFUSED|fetch failed/i.test(message))
    return `Cannot reach the MCP server (${cause ?? "connection failed"}). Check the URL and that it is running.`;
  if (status !== null && status >= 400) return `The MCP server answered HTTP ${status}: ${message.slice(0, 300)}`;
  return `Import failed: ${message.slice(0, 300)}`;
}
