import "server-only";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { ImportToolsInput } from "@/lib/schemas/resources";
import { AppError } from "../errors";
import { assertPublicUrl, SafeFetchError, safeFetch } from "../net/safe-fetch";

export interface DiscoveredTool {
  name: string;
  title: string | null;
  description: string | null;
}

export const IMPORT_TIMEOUT_MS = 10_000;
/** Per answer: 1,000 tools with 2,000-character descriptions and their schemas fit. */
export const IMPORT_MAX_BYTES = 8 * 1024 * 1024;
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
  // The URL an admin typed is fetched by the server: public addresses only (lib/server/net/safe-fetch.ts).
  try {
    await assertPublicUrl(input.serverUrl);
  } catch (err) {
    if (!(err instanceof SafeFetchError) || err.kind === "unreachable")
      throw importError(err, false, timeoutMs, scrubOf(input));
    throw new AppError("invalid_input", err.message, { fieldErrors: { serverUrl: [err.message] } });
  }
  const token = input.bearerToken;
  const scrub = scrubOf(input);
  // Every request the transport makes, and every redirect, goes through the same checks, capped in size and time.
  const guardedFetch: typeof fetch = async (url, init) => {
    const target = url instanceof Request ? url.url : String(url);
    const body = init?.body;
    return safeFetch(
      target,
      {
        method: init?.method ?? "GET",
        headers: init?.headers ?? {},
        body: typeof body === "string" || body instanceof Uint8Array ? body : null,
        signal: init?.signal ?? null,
      },
      { timeoutMs, maxBytes: IMPORT_MAX_BYTES },
    );
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
    throw importError(err, deadline.aborted, timeoutMs, scrub);
  } finally {
    await client.close().catch(() => {});
  }
}

const scrubOf = (input: ImportToolsInput) => (msg: string) =>
  input.bearerToken ? msg.split(input.bearerToken).join("[token]") : msg;

function importError(err: unknown, timedOut: boolean, timeoutMs: number, scrub: (m: string) => string): AppError {
  return new AppError("bad_request", scrub(describeImportError(err, timedOut, timeoutMs)));
}

/** Our own SafeFetchError, wherever the SDK wrapped it. */
function safeFetchErrorIn(err: unknown): SafeFetchError | null {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++)
    if (e instanceof SafeFetchError) return e;
  return null;
}

/**
 * Status and a short reason only: the MCP server's body (and the SDK's messages that quote it) never reach
 * the admin's screen, so a probe of an internal URL cannot read what it answered (issue 10 §8).
 */
function describeImportError(err: unknown, timedOut: boolean, timeoutMs: number): string {
  const guarded = safeFetchErrorIn(err);
  if (guarded?.kind === "timeout" || timedOut) return `The MCP server did not answer within ${timeoutMs / 1000} s.`;
  if (guarded?.kind === "unreachable")
    return "Cannot reach the MCP server (connection failed). Check the URL and that it is running.";
  if (guarded) return `Import refused: ${guarded.message}`;
  const message = err instanceof Error ? err.message : String(err);
  // The SDK's StreamableHTTPError carries the HTTP status as a numeric `code`.
  const rawStatus = (err as { code?: unknown })?.code;
  const status = typeof rawStatus === "number" ? rawStatus : null;
  if (status === 401 || err?.constructor?.name === "UnauthorizedError" || /\b401\b/.test(message))
    return "The MCP server refused the request (401): paste a valid access token for it, or check that it accepts anonymous tools/list.";
  if (status === 403)
    return "The MCP server answered 403: the token lacks a scope that allows tools/list (mcp:tools or mcp:tools:read).";
  if (/ECONNREFUSED|fetch failed/i.test(message))
    return "Cannot reach the MCP server (connection failed). Check the URL and that it is running.";
  if (status !== null && status >= 400) return `The MCP server answered HTTP ${status}.`;
  return "Import failed: the answer is not a valid MCP tools/list response.";
}
