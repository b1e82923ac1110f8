/**
 * The conformance server: what the `@modelcontextprotocol/conformance` 0.1.16 server scenarios call for (their
 * reference server is not in the npm package), on the official SDK 1.32 with stateful Streamable HTTP sessions,
 * an event store for SEP-1699 resumption, and Host/Origin checks against DNS rebinding. Served bare on
 * loopback, or behind the enforcer's Node adapter (`protect`).
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { type EventStore, StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { createNodeHandler, type Enforcer } from "../../lib/enforcer/index.js";
import { registerPrompts, registerProtocolHandlers, registerResources } from "./resources-prompts.js";
import { type CloseStream, registerConformanceTools } from "./tools.js";

/** Event ids sort by stream, then time, then order: replay sends a stream's later events in order. */
function createEventStore(): EventStore {
  const events = new Map<string, { streamId: string; message: JSONRPCMessage }>();
  let seq = 0;
  return {
    async storeEvent(streamId, message) {
      const id = `${streamId}::${String(++seq).padStart(12, "0")}`;
      events.set(id, { streamId, message });
      return id;
    },
    async replayEventsAfter(lastEventId, { send }) {
      const streamId = lastEventId.split("::")[0] ?? "";
      const later = [...events].filter(([id, e]) => e.streamId === streamId && id > lastEventId).sort();
      for (const [id, e] of later) await send(id, e.message);
      return streamId;
    },
  };
}

function buildServer(closeStream: CloseStream): McpServer {
  const server = new McpServer(
    { name: "portcullis-conformance-server", version: "1.0.0" },
    {
      capabilities: {
        tools: { listChanged: true },
        resources: { subscribe: true, listChanged: true },
        prompts: { listChanged: true },
        logging: {},
        completions: {},
      },
    },
  );
  registerConformanceTools(server, closeStream);
  registerResources(server, new Set());
  registerPrompts(server);
  registerProtocolHandlers(server);
  return server;
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);
const hostnameOf = (url: string) => {
  try {
    return new URL(url).hostname;
  } catch {
    return "";
  }
};

/** DNS rebinding (MCP security best practices): a loopback server accepts only loopback Host and Origin. */
function isRebound(req: IncomingMessage): boolean {
  const host = req.headers.host ?? "";
  const origin = req.headers.origin;
  return !LOOPBACK.has(hostnameOf(`http://${host}`)) || (origin !== undefined && !LOOPBACK.has(hostnameOf(origin)));
}

async function readBody(req: IncomingMessage & { body?: unknown }): Promise<unknown> {
  if (req.body !== undefined || req.method !== "POST") return req.body; // the enforcer already parsed it
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return undefined; // the transport answers the parse error
  }
}

function reply(res: ServerResponse, status: number, message: string): void {
  const body = JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32000, message } });
  res.writeHead(status, { "content-type": "application/json" }).end(body);
}

export interface ConformanceServer {
  url: (path: string) => string;
  /** Puts the enforcer in front of every request. */
  protect: (enforcer: Enforcer) => void;
  close: () => Promise<void>;
}

/** Starts the server on 127.0.0.1. @example const s = await startConformanceServer(); s.url("/mcp") */
export async function startConformanceServer(port = 0): Promise<ConformanceServer> {
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const closeStream: CloseStream = (sessionId, requestId) => {
    if (sessionId) transports.get(sessionId)?.closeSSEStream(requestId);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (isRebound(req)) return reply(res, 403, "Forbidden: Host or Origin is not loopback");
    const body = await readBody(req);
    const sessionId = req.headers["mcp-session-id"];
    const existing = typeof sessionId === "string" ? transports.get(sessionId) : undefined;
    if (existing) return existing.handleRequest(req, res, body);
    if (sessionId !== undefined || (body as { method?: unknown } | undefined)?.method !== "initialize") {
      return reply(res, sessionId === undefined ? 400 : 404, "Invalid or missing session ID");
    }
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      eventStore: createEventStore(),
      retryInterval: 1000, // SEP-1699: the client waits this long before it polls again
      onsessioninitialized: (id) => void transports.set(id, transport),
    });
    const server = buildServer(closeStream);
    transport.onclose = () => {
      if (transport.sessionId) transports.delete(transport.sessionId);
      void server.close();
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  const failSafe = (req: IncomingMessage, res: ServerResponse) =>
    handle(req, res).catch(() => {
      if (!res.headersSent) reply(res, 500, "Internal server error");
    });
  let listener: (req: IncomingMessage, res: ServerResponse) => void = failSafe;
  const http: Server = createServer((req, res) => listener(req, res));
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(port, "127.0.0.1", resolve);
  });
  const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    url: (path) => new URL(path, origin).href,
    protect(enforcer) {
      listener = createNodeHandler(enforcer, failSafe);
    },
    async close() {
      for (const t of transports.values()) await t.close();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}
