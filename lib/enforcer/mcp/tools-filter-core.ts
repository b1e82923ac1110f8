/**
 * Transport-neutral pieces of `tools/list` filtering, shared by the Fetch filter
 * (`tools-filter.ts`) and the Node adapter (which rewrites `res.write` chunks).
 */

/**
 * The tools a caller may see, and for those shown although the token lacks their own scopes (the policy's
 * `toolsNeedingScope: "show"`), the scopes each still needs: their descriptions then name them.
 */
export interface VisibleTools {
  names: string[];
  needs?: Record<string, readonly string[]>;
}

/**
 * Given the tool names of a response, returns those the caller may see (with the scopes each still needs).
 *
 * @example
 * const allowedNames: AllowedNames = (names) => enforcer.allowedTools(auth, names);
 */
export type AllowedNames = (names: string[]) => string[] | VisibleTools;

/**
 * A shown tool's description with the scopes it needs appended (issue 20 #4: a host can call it and step up;
 * the model and the user can tell why the call asks for a new sign-in).
 *
 * @example
 * describeNeededScopes("Deletes a file", ["mcp:tools:admin"]) // "Deletes a file (requires scope mcp:tools:admin)"
 */
export function describeNeededScopes(description: unknown, scopes: readonly string[]): string {
  const note = `requires scope${scopes.length > 1 ? "s" : ""} ${scopes.join(" ")}`;
  return typeof description === "string" && description.trim() !== "" ? `${description} (${note})` : `(${note})`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Filters one JSON-RPC message (or a batch) whose `result.tools` is an array; anything else is returned as is.
 * Tools without a string `name` are dropped (fail closed).
 *
 * @example
 * const { changed, message } = filterToolsListMessage(JSON.parse(text), (n) => n.filter((x) => x !== "rm"));
 */
export function filterToolsListMessage(
  message: unknown,
  allowedNames: AllowedNames,
): { changed: boolean; message: unknown } {
  if (Array.isArray(message)) {
    let changed = false;
    const out = message.map((m) => {
      const r = filterToolsListMessage(m, allowedNames);
      changed ||= r.changed;
      return r.message;
    });
    return { changed, message: out };
  }
  if (!isRecord(message) || !isRecord(message.result) || !Array.isArray(message.result.tools)) {
    return { changed: false, message };
  }
  const tools: unknown[] = message.result.tools;
  const names = tools.flatMap((t) => (isRecord(t) && typeof t.name === "string" ? [t.name] : []));
  const visible = allowedNames(names);
  const { names: allowedList, needs = {} } = Array.isArray(visible) ? { names: visible } : visible;
  const allowed = new Set(allowedList);
  let noted = false;
  // `filter` keeps the server's order (MCP 2026-07-28 asks for a deterministic one).
  const kept = tools
    .filter((t): t is Record<string, unknown> => isRecord(t) && typeof t.name === "string" && allowed.has(t.name))
    .map((t) => {
      const missing = Object.hasOwn(needs, t.name as string) ? needs[t.name as string] : undefined;
      if (!missing?.length) return t;
      noted = true;
      return { ...t, description: describeNeededScopes(t.description, missing) };
    });
  // MCP 2026-07-28 cacheable result: a list shaped for this caller must not sit in a shared cache (`ttlMs` is kept).
  // 2025-era results carry neither field and stay as they were.
  const modern = "cacheScope" in message.result || "ttlMs" in message.result;
  const makePrivate = modern && message.result.cacheScope !== "private";
  if (kept.length === tools.length && !noted && !makePrivate) return { changed: false, message };
  const result = { ...message.result, tools: kept, ...(modern ? { cacheScope: "private" } : {}) };
  return { changed: true, message: { ...message, result } };
}

/**
 * Filters a JSON body. Text that is not JSON, or holds no tool list, comes back unchanged.
 *
 * @example
 * res.end(filterToolsListJson(body, (names) => names.filter((n) => n.startsWith("read_"))));
 */
export function filterToolsListJson(text: string, allowedNames: AllowedNames): string {
  if (!text.includes('"tools"')) return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  const { changed, message } = filterToolsListMessage(parsed, allowedNames);
  return changed ? JSON.stringify(message) : text;
}

/**
 * An incremental SSE rewriter: push decoded text as it arrives (chunks may split lines and events anywhere),
 * get back the text to send on. Complete events are passed through byte for byte unless their `data` is a
 * JSON-RPC message with `result.tools`, which is re-emitted filtered.
 *
 * @example
 * const rw = createSseToolsRewriter(allowedNames); socket.write(rw.push(chunk)); socket.end(rw.flush());
 */
export interface SseToolsRewriter {
  push(text: string): string;
  flush(): string;
}

/** Creates an {@link SseToolsRewriter}. @example const rw = createSseToolsRewriter((names) => names, 1 << 20); */
export function createSseToolsRewriter(allowedNames: AllowedNames, maxEventBytes = 16 * 1024 * 1024): SseToolsRewriter {
  let pending = ""; // text not yet split into complete lines
  let eventRaw = ""; // complete lines of the current event, with their terminators
  const eventLines: string[] = [];

  function finishEvent(): string {
    const raw = eventRaw;
    const lines = eventLines.splice(0);
    eventRaw = "";
    return rewriteEvent(raw, lines, allowedNames);
  }

  function drain(final: boolean): string {
    let out = "";
    let start = 0;
    for (;;) {
      const cr = pending.indexOf("\r", start);
      const lf = pending.indexOf("\n", start);
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      if (end === -1) break;
      // WHATWG SSE §9.2.5: a line ends with CRLF, LF or CR. A trailing CR may be half of a CRLF: wait for more.
      if (end === pending.length - 1 && pending[end] === "\r" && !final) break;
      const termLength = pending[end] === "\r" && pending[end + 1] === "\n" ? 2 : 1;
      const line = pending.slice(start, end);
      eventRaw += pending.slice(start, end + termLength);
      start = end + termLength;
      if (line === "") out += finishEvent();
      else eventLines.push(line);
    }
    pending = pending.slice(start);
    if (eventRaw.length + pending.length > maxEventBytes) {
      throw new Error(`an SSE event exceeds ${maxEventBytes} bytes; refusing to pass an unfiltered tool list`);
    }
    return out;
  }

  return {
    push: (text) => {
      pending += text;
      return drain(false);
    },
    // WHATWG SSE discards an unterminated last event. Pass it on unchanged unless it holds a tool list
    // that filtering would change: then drop it (fail closed) rather than risk a lenient client reading it.
    flush: () => {
      const out = drain(true);
      const rest = eventRaw + pending;
      const lines = pending === "" ? eventLines.splice(0) : [...eventLines.splice(0), pending];
      eventRaw = "";
      pending = "";
      return rewriteEvent(rest, lines, allowedNames) === rest ? out + rest : out;
    },
  };
}

function rewriteEvent(raw: string, lines: string[], allowedNames: AllowedNames): string {
  const data: string[] = [];
  for (const line of lines) {
    if (line === "data") data.push("");
    else if (line.startsWith("data:")) data.push(line.slice(line[5] === " " ? 6 : 5));
  }
  const text = data.join("\n");
  if (data.length === 0 || !text.includes('"tools"')) return raw;
  const filtered = filterToolsListJson(text, allowedNames);
  if (filtered === text) return raw;
  let out = "";
  let dataWritten = false;
  for (const line of lines) {
    if (line === "data" || line.startsWith("data:")) {
      if (!dataWritten) out += `data: ${filtered}\n`;
      dataWritten = true;
    } else {
      out += `${line}\n`;
    }
  }
  return `${out}\n`;
}
