/**
 * MCP 2026-07-28 request metadata headers (Streamable HTTP, "Request Metadata" and "Server Validation"): a server
 * that processes the body MUST refuse a request whose `MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name` or a
 * recognised `Mcp-Param-{Name}` header is missing, malformed or disagrees with the body: 400 with JSON-RPC -32020
 * (HeaderMismatch). Components that route or limit on headers would otherwise act on one value while the server
 * executes another. The enforcer checks before authorizing, and then decides on the body's values only.
 */
import { EnforcerError, ReasonCode } from "../errors.js";
import type { JsonRpcInfo } from "./jsonrpc.js";
import type { RevisionInfo } from "./revision.js";
import type { ToolHeaderDeclaration } from "./tool-headers.js";

/** The body field `Mcp-Name` mirrors, per method (tasks: the Streamable HTTP binding of the tasks extension). */
const NAME_SOURCE: Readonly<Record<string, string>> = {
  "tools/call": "name",
  "prompts/get": "name",
  "resources/read": "uri",
  "tasks/get": "taskId",
  "tasks/update": "taskId",
  "tasks/cancel": "taskId",
};

const SENTINEL_PREFIX = "=?base64?";
const SENTINEL_SUFFIX = "?=";
// RFC 4648 §4 with padding: the spec's encoding table uses canonical padding.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Decodes an `Mcp-Name` / `Mcp-Param-*` value: the `=?base64?…?=` sentinel carries UTF-8 in canonical base64;
 * anything else is the value itself. Undefined when the sentinel's payload is not valid (the request is refused).
 *
 * @example
 * decodeHeaderValue("=?base64?SGVsbG8sIOS4lueVjA==?=") // "Hello, 世界"
 */
export function decodeHeaderValue(value: string): string | undefined {
  if (!(value.startsWith(SENTINEL_PREFIX) && value.endsWith(SENTINEL_SUFFIX))) return value;
  const payload = value.slice(SENTINEL_PREFIX.length, value.length - SENTINEL_SUFFIX.length);
  if (!BASE64.test(payload)) return undefined;
  try {
    return utf8.decode(Buffer.from(payload, "base64"));
  } catch {
    return undefined;
  }
}

/**
 * Checks the headers of a 2026-07-28 request against its body; throws `header_mismatch` (400, -32020).
 * Notifications and legacy-era requests are not checked (the revision defines header rules for requests only).
 *
 * @example
 * checkRequestHeaders((n) => req.headers.get(n), rpc, revision, toolHeaders.get(rpc.toolName));
 */
export function checkRequestHeaders(
  header: (name: string) => string | null,
  rpc: JsonRpcInfo,
  revision: RevisionInfo,
  declarations: readonly ToolHeaderDeclaration[] | undefined,
): void {
  if (!revision.modern || rpc.kind !== "request" || rpc.method === undefined) return;
  const version = header("mcp-protocol-version")?.trim();
  if (!version) throw mismatch("MCP-Protocol-Version", "the required MCP-Protocol-Version header is absent");
  if (revision.envelope === undefined) {
    throw mismatch(
      "MCP-Protocol-Version",
      `the header names ${version} but the body carries no _meta protocol version`,
    );
  }
  if (version !== revision.envelope) {
    throw mismatch("MCP-Protocol-Version", `the header names ${version} but _meta names ${revision.envelope}`);
  }
  const method = header("mcp-method")?.trim();
  if (!method) throw mismatch("Mcp-Method", "the required Mcp-Method header is absent");
  if (method !== rpc.method) throw mismatch("Mcp-Method", `the header names ${method} but the body ${rpc.method}`);
  const params = (rpc.message.params ?? {}) as Record<string, unknown>;
  const field = Object.hasOwn(NAME_SOURCE, rpc.method) ? NAME_SOURCE[rpc.method] : undefined;
  const bodyName = field ? params[field] : undefined;
  if (field && typeof bodyName === "string") {
    const raw = header("mcp-name")?.trim();
    if (raw === undefined || raw === "") throw mismatch("Mcp-Name", `the required Mcp-Name header is absent`);
    const decoded = decodeHeaderValue(raw);
    if (decoded === undefined) throw mismatch("Mcp-Name", "the Mcp-Name header carries an invalid base64 value");
    if (decoded !== bodyName)
      throw mismatch("Mcp-Name", `the header names ${quoted(decoded)} but params.${field} is ${quoted(bodyName)}`);
  }
  if (rpc.method === "tools/call" && declarations) checkParamHeaders(header, params.arguments, declarations);
}

/** `Mcp-Param-{Name}` of the tool's `x-mcp-header` declarations (the server-behaviour table of the spec). */
function checkParamHeaders(
  header: (name: string) => string | null,
  args: unknown,
  declarations: readonly ToolHeaderDeclaration[],
): void {
  for (const decl of declarations) {
    const name = `Mcp-Param-${decl.headerName}`;
    const bodyValue = valueAt(args, decl.path);
    // null or absent in the body: the header is not expected (a present one is ignored).
    if (bodyValue === undefined || bodyValue === null) continue;
    const bodyText = primitiveText(bodyValue);
    if (bodyText === undefined) continue; // not a primitive: the server's argument validation answers
    const raw = header(name.toLowerCase());
    if (raw === null) throw mismatch(name, `the body carries ${decl.path.join(".")} but the ${name} header is absent`);
    const decoded = decodeHeaderValue(raw.trim());
    if (decoded === undefined) throw mismatch(name, `the ${name} header carries an invalid base64 value`);
    // Integers compare numerically (the spec's SHOULD: 42.0 equals 42); the header side must be plain decimal.
    const numeric = (decl.type === "integer" || decl.type === "number") && typeof bodyValue === "number";
    const equal = numeric ? DECIMAL.test(decoded) && Number(decoded) === bodyValue : decoded === bodyText;
    if (!equal) throw mismatch(name, `the ${name} header disagrees with ${decl.path.join(".")} in the body`);
  }
}

function valueAt(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function primitiveText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

function quoted(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

function mismatch(headerName: string, detail: string): EnforcerError {
  return new EnforcerError(ReasonCode.HeaderMismatch, `Header mismatch: ${detail}`, {
    rpcData: { mismatch: { header: headerName } },
  });
}
