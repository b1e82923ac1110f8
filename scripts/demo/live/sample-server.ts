/**
 * The live demo's MCP server: the official SDK's McpServer (1.32, Streamable HTTP, stateless) with a CRM-flavoured
 * tool set, a resource and a prompt, behind the enforcer's Node `http` adapter on 127.0.0.1. The handlers know
 * nothing about tokens; `send_email` calls the mail API as the user with an OBO token (`authInfo.token` is the
 * caller's bearer, exchanged by the enforcer's OBO client).
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { type DemoServer, startStatelessServer } from "../mcp-server.js";

/** Every tool the server has; the published policy decides which ones a client sees and may call. */
export const SAMPLE_TOOLS = ["query_database", "read_file", "send_email", "delete_records", "run_shell"] as const;

/** Sends one e-mail as the user whose bearer token is given (the OBO exchange happens inside). */
export type SendMail = (userToken: string, to: string, subject: string) => Promise<string>;

const CUSTOMERS = [
  { id: 1, name: "Acme Corp", tier: "gold" },
  { id: 2, name: "Globex", tier: "silver" },
  { id: 3, name: "Initech", tier: "gold" },
];
const DOCS: Record<string, string> = {
  "/docs/runbook.md": "Rotate the IdP signing key; the enforcer refreshes its JWKS on the unknown kid.",
  "/docs/pricing.md": "Gold tier: 99 EUR per seat and month.",
};

const text = (value: string) => ({ content: [{ type: "text" as const, text: value }] });
const caller = (extra: { authInfo?: { extra?: Record<string, unknown> } }) => String(extra.authInfo?.extra?.sub ?? "?");

/** A fresh server per request (the SDK's stateless mode). */
export function buildSampleServer(sendMail: SendMail): McpServer {
  const server = new McpServer({ name: "demo-crm", version: "1.0.0" });
  server.registerTool(
    "query_database",
    { description: "Runs a read-only SQL query against the CRM database", inputSchema: { sql: z.string() } },
    async ({ sql }, extra) => {
      const gold = /gold/i.test(sql) ? CUSTOMERS.filter((c) => c.tier === "gold") : CUSTOMERS;
      return text(`${JSON.stringify(gold)} [queried as ${caller(extra)}]`);
    },
  );
  server.registerTool(
    "read_file",
    { description: "Reads a document from the shared drive", inputSchema: { path: z.string() } },
    async ({ path }, extra) => text(`${DOCS[path] ?? "(no such file)"} [read as ${caller(extra)}]`),
  );
  server.registerTool(
    "send_email",
    {
      description: "Sends an e-mail through the mail API, as the user (OBO)",
      inputSchema: { to: z.string(), subject: z.string() },
    },
    async ({ to, subject }, extra) => text(await sendMail(extra.authInfo?.token ?? "", to, subject)),
  );
  server.registerTool(
    "delete_records",
    { description: "Deletes CRM records (needs mcp:tools:admin)", inputSchema: { table: z.string(), id: z.number() } },
    async ({ table, id }, extra) => text(`deleted ${table} #${id} [as ${caller(extra)}]`),
  );
  server.registerTool(
    "run_shell",
    { description: "Runs a shell command on the server", inputSchema: { command: z.string() } },
    async ({ command }) => text(`ran ${command}`),
  );
  server.registerResource(
    "crm-schema",
    "crm://schema",
    { description: "Tables and columns of the CRM database", mimeType: "text/plain" },
    async (uri) => ({
      contents: [{ uri: uri.href, text: "customers(id, name, tier)\norders(id, customer_id, total)" }],
    }),
  );
  server.registerPrompt(
    "summarize_customer",
    { description: "Summarise a customer's account", argsSchema: { name: z.string() } },
    ({ name }) => ({
      messages: [{ role: "user", content: { type: "text", text: `Summarise the account of ${name}: tier, orders.` } }],
    }),
  );
  return server;
}

/** Listens on 127.0.0.1 at once (the resource URI needs the port); requests get 503 until `protect`. */
export function startSampleServer(port: number, sendMail: SendMail): Promise<DemoServer> {
  return startStatelessServer(port, () => buildSampleServer(sendMail));
}
