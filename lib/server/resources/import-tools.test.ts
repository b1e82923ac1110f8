import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { db } from "../db";
import { AppError } from "../errors";
import { listToolsFromServer } from "./import-tools";

const TOKEN = "eyJhbGciOiJSUzI1NiJ9.secret-payload.sig";

function buildMcpServer(): McpServer {
  const mcp = new McpServer({ name: "files", version: "1.0.0" });
  mcp.registerTool(
    "read_file",
    { title: "Read a file", description: "Reads a file", inputSchema: { path: z.string() } },
    async () => ({ content: [] }),
  );
  mcp.registerTool(
    "write_file",
    { description: "Writes a file", inputSchema: { path: z.string(), data: z.string() } },
    async () => ({ content: [] }),
  );
  mcp.registerTool("delete_file", { inputSchema: { path: z.string() } }, async () => ({ content: [] }));
  return mcp;
}

/** A real SDK McpServer over Streamable HTTP (stateless), optionally requiring a bearer token. */
async function startMcp(opts: { requireToken?: string; failWith?: number } = {}) {
  const seen: (string | undefined)[] = [];
  const server = createServer(async (req, res) => {
    seen.push(req.headers.authorization);
    if (opts.failWith)
      return void res
        .writeHead(opts.failWith, { "content-type": "text/plain" })
        .end(`echo ${req.headers.authorization}`);
    if (opts.requireToken && req.headers.authorization !== `Bearer ${opts.requireToken}`) {
      res.writeHead(401, {
        "www-authenticate": 'Bearer resource_metadata="http://127.0.0.1/.well-known/oauth-protected-resource"',
      });
      return void res.end();
    }
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    const mcp = buildMcpServer();
    res.on("close", () => {
      void transport.close();
      void mcp.close();
    });
    await mcp.connect(transport);
    await transport.handleRequest(req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, seen };
}

describe("Import tools from a running MCP server (SDK client → SDK McpServer on loopback)", () => {
  let open: Awaited<ReturnType<typeof startMcp>>;
  let guarded: Awaited<ReturnType<typeof startMcp>>;
  let failing: Awaited<ReturnType<typeof startMcp>>;
  const servers: Server[] = [];
  beforeAll(async () => {
    [open, guarded, failing] = await Promise.all([
      startMcp(),
      startMcp({ requireToken: TOKEN }),
      startMcp({ failWith: 500 }),
    ]);
    servers.push(open.server, guarded.server, failing.server);
  });
  afterAll(() =>
    Promise.all(
      servers.map(
        (s) =>
          new Promise((r) => {
            s.closeAllConnections();
            s.close(r);
          }),
      ),
    ),
  );

  it("lists tools anonymously with names, titles and descriptions", async () => {
    const tools = await listToolsFromServer({ serverUrl: open.url });
    expect(tools).toEqual([
      { name: "read_file", title: "Read a file", description: "Reads a file" },
      { name: "write_file", title: null, description: "Writes a file" },
      { name: "delete_file", title: null, description: null },
    ]);
    expect(open.seen.every((h) => h === undefined)).toBe(true);
  });

  it("sends the pasted bearer token, and only to the MCP server", async () => {
    const before = await db().auditEvent.count();
    const tools = await listToolsFromServer({ serverUrl: guarded.url, bearerToken: TOKEN });
    expect(tools.map((t) => t.name)).toEqual(["read_file", "write_file", "delete_file"]);
    expect(guarded.seen).toContain(`Bearer ${TOKEN}`);
    // Never stored or audited: the import writes nothing.
    expect(await db().auditEvent.count()).toBe(before);
  });

  it("explains a 401 and never echoes the token in an error", async () => {
    const err = await listToolsFromServer({ serverUrl: guarded.url, bearerToken: "wrong-token" }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).message).toMatch(/refused the request \(401\)/);
    const echoed = await listToolsFromServer({ serverUrl: failing.url, bearerToken: TOKEN }).catch((e: unknown) => e);
    expect((echoed as AppError).code).toBe("bad_request");
    // The server echoed the Authorization header into its error body: status only, never the body (issue 10 §8).
    expect((echoed as AppError).message).toBe("The MCP server answered HTTP 500.");
    expect((echoed as AppError).message).not.toContain("echo");
  });

  it("refuses plain http to a non-loopback host and reports an unreachable server", async () => {
    const insecure = await listToolsFromServer({ serverUrl: "http://mcp.example.com/mcp" }).catch((e: unknown) => e);
    expect((insecure as AppError).code).toBe("invalid_input");
    expect((insecure as AppError).fieldErrors?.serverUrl?.[0]).toMatch(/Use https/);
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, "127.0.0.1", r));
    const port = (dead.address() as AddressInfo).port;
    await new Promise((r) => dead.close(r));
    const refused = await listToolsFromServer({ serverUrl: `http://127.0.0.1:${port}/mcp` }).catch((e: unknown) => e);
    expect((refused as AppError).message).toMatch(/Cannot reach the MCP server/);
  });
});
