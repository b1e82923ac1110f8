/**
 * Resources, prompts, logging, completion and the SEP-1613 `tools/list` of the conformance server, as the suite's
 * 0.1.16 server scenarios expect them (resources-*, prompts-*, logging-set-level, completion-complete,
 * json-schema-2020-12).
 */
import { type McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import {
  CompleteRequestSchema,
  ListToolsRequestSchema,
  type ListToolsResult,
  type PromptMessage,
  SetLevelRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { JSON_SCHEMA_2020_12, TEST_IMAGE_BASE64 } from "./tools.js";

const user = (content: PromptMessage["content"]): PromptMessage => ({ role: "user", content });

function log(server: McpServer, data: string): void {
  const params = { level: "info" as const, logger: "conformance-test-server", data };
  server.server.notification({ method: "notifications/message", params }).catch(() => {});
}

export function registerResources(server: McpServer, subscriptions: Set<string>): void {
  const fixed = (name: string, uri: string, mimeType: string, body: { text: string } | { blob: string }) =>
    server.registerResource(name, uri, { title: name, description: `${name} for testing`, mimeType }, async () => ({
      contents: [{ uri, mimeType, ...body }],
    }));
  fixed("static-text", "test://static-text", "text/plain", {
    text: "This is the content of the static text resource.",
  });
  fixed("static-binary", "test://static-binary", "image/png", { blob: TEST_IMAGE_BASE64 });
  fixed("watched-resource", "test://watched-resource", "text/plain", { text: "Watched resource content" });
  server.registerResource(
    "template",
    new ResourceTemplate("test://template/{id}/data", { list: undefined }),
    { title: "Resource Template", description: "A template with parameter substitution", mimeType: "application/json" },
    async (uri, { id }) => ({
      contents: [
        {
          uri: uri.href,
          mimeType: "application/json",
          text: JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` }),
        },
      ],
    }),
  );
  server.server.setRequestHandler(SubscribeRequestSchema, async ({ params }) => {
    subscriptions.add(params.uri);
    log(server, `Subscribed to resource: ${params.uri}`);
    return {};
  });
  server.server.setRequestHandler(UnsubscribeRequestSchema, async ({ params }) => {
    subscriptions.delete(params.uri);
    log(server, `Unsubscribed from resource: ${params.uri}`);
    return {};
  });
}

export function registerPrompts(server: McpServer): void {
  server.registerPrompt("test_simple_prompt", { description: "A simple prompt without arguments" }, async () => ({
    messages: [user({ type: "text", text: "This is a simple prompt for testing." })],
  }));
  server.registerPrompt(
    "test_prompt_with_arguments",
    { description: "A prompt with required arguments", argsSchema: { arg1: z.string(), arg2: z.string() } },
    async ({ arg1, arg2 }) => ({
      messages: [user({ type: "text", text: `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'` })],
    }),
  );
  server.registerPrompt(
    "test_prompt_with_embedded_resource",
    { description: "A prompt that embeds a resource", argsSchema: { resourceUri: z.string() } },
    async ({ resourceUri }) => ({
      messages: [
        user({
          type: "resource",
          resource: { uri: resourceUri, mimeType: "text/plain", text: "Embedded resource content for testing." },
        }),
        user({ type: "text", text: "Please process the embedded resource above." }),
      ],
    }),
  );
  server.registerPrompt("test_prompt_with_image", { description: "A prompt with image content" }, async () => ({
    messages: [
      user({ type: "image", data: TEST_IMAGE_BASE64, mimeType: "image/png" }),
      user({ type: "text", text: "Please analyze the image above." }),
    ],
  }));
}

/** `logging/setLevel`, `completion/complete`, and `tools/list` with the raw 2020-12 schema (SEP-1613). */
export function registerProtocolHandlers(server: McpServer): void {
  server.server.setRequestHandler(SetLevelRequestSchema, async ({ params }) => {
    log(server, `Log level set to: ${params.level}`);
    return {};
  });
  server.server.setRequestHandler(CompleteRequestSchema, async () => ({
    completion: { values: [], total: 0, hasMore: false },
  }));
  // registerTool turns zod into JSON Schema without $schema/$defs: wrap the SDK's own tools/list handler (kept in
  // the protocol's handler map, which has no public getter) and put the raw schema on the one tool.
  const handlers = (server.server as unknown as { _requestHandlers: Map<string, (...a: unknown[]) => unknown> })
    ._requestHandlers;
  const sdkList = handlers.get("tools/list");
  if (!sdkList) throw new Error("register the tools before the protocol handlers");
  server.server.setRequestHandler(ListToolsRequestSchema, async (request, extra) => {
    const result = (await sdkList(request, extra)) as ListToolsResult;
    const tools = result.tools.map((t) =>
      t.name === "json_schema_2020_12_tool" ? { ...t, inputSchema: JSON_SCHEMA_2020_12 } : t,
    );
    return { ...result, tools };
  });
}
