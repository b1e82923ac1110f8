/**
 * The tools the `@modelcontextprotocol/conformance` 0.1.16 server scenarios call (`test_*`), as its reference
 * "everything server" (examples/servers/typescript, not in the npm package) implements them, on SDK 1.32.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { CreateMessageResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { elicitationTools } from "./elicitation.js";

/** A 1x1 red PNG and a minimal WAV, as the scenarios expect them. */
export const TEST_IMAGE_BASE64 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
const TEST_AUDIO_BASE64 = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=";

/** SEP-1613: the raw JSON Schema 2020-12 `tools/list` must carry for `json_schema_2020_12_tool`. */
export const JSON_SCHEMA_2020_12 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object" as const,
  $defs: { address: { type: "object", properties: { street: { type: "string" }, city: { type: "string" } } } },
  properties: { name: { type: "string" }, address: { $ref: "#/$defs/address" } },
  additionalProperties: false,
};

/** Every tool the server registers (the enforcer's allowlist names exactly these). */
export const CONFORMANCE_TOOLS = [
  "test_simple_text",
  "test_image_content",
  "test_audio_content",
  "test_embedded_resource",
  "test_multiple_content_types",
  "test_tool_with_logging",
  "test_tool_with_progress",
  "test_error_handling",
  "test_reconnection",
  "test_sampling",
  "test_elicitation",
  "test_elicitation_sep1034_defaults",
  "test_elicitation_sep1330_enums",
  "json_schema_2020_12_tool",
] as const;

const text = (value: string) => ({ content: [{ type: "text" as const, text: value }] });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Closes the SSE stream of a request (SEP-1699 polling), given by the session's transport. */
export type CloseStream = (sessionId: string | undefined, requestId: string | number) => void;

export function registerConformanceTools(server: McpServer, closeStream: CloseStream): void {
  server.registerTool("test_simple_text", { description: "Tests simple text content response" }, async () =>
    text("This is a simple text response for testing."),
  );
  server.registerTool("test_image_content", { description: "Tests image content response" }, async () => ({
    content: [{ type: "image", data: TEST_IMAGE_BASE64, mimeType: "image/png" }],
  }));
  server.registerTool("test_audio_content", { description: "Tests audio content response" }, async () => ({
    content: [{ type: "audio", data: TEST_AUDIO_BASE64, mimeType: "audio/wav" }],
  }));
  const embedded = { uri: "test://embedded-resource", mimeType: "text/plain" };
  server.registerTool("test_embedded_resource", { description: "Tests embedded resource content" }, async () => ({
    content: [{ type: "resource", resource: { ...embedded, text: "This is an embedded resource content." } }],
  }));
  server.registerTool("test_multiple_content_types", { description: "Tests text, image and resource" }, async () => ({
    content: [
      { type: "text", text: "Multiple content types test:" },
      { type: "image", data: TEST_IMAGE_BASE64, mimeType: "image/png" },
      {
        type: "resource",
        resource: {
          uri: "test://mixed-content-resource",
          mimeType: "application/json",
          text: JSON.stringify({ test: "data", value: 123 }),
        },
      },
    ],
  }));
  server.registerTool(
    "test_tool_with_logging",
    { description: "Emits log messages during execution", inputSchema: {} },
    async (_args, extra) => {
      for (const data of ["Tool execution started", "Tool processing data", "Tool execution completed"]) {
        await extra.sendNotification({ method: "notifications/message", params: { level: "info", data } });
        await sleep(50);
      }
      return text("Tool with logging executed successfully");
    },
  );
  server.registerTool(
    "test_tool_with_progress",
    { description: "Reports progress notifications", inputSchema: {} },
    async (_args, extra) => {
      const progressToken = extra._meta?.progressToken ?? 0;
      for (const progress of [0, 50, 100]) {
        const params = { progressToken, progress, total: 100, message: `Completed step ${progress} of 100` };
        await extra.sendNotification({ method: "notifications/progress", params });
        if (progress < 100) await sleep(50);
      }
      return text(String(progressToken));
    },
  );
  server.registerTool("test_error_handling", { description: "Tests error response handling" }, async () => {
    throw new Error("This tool intentionally returns an error for testing");
  });
  server.registerTool(
    "test_reconnection",
    { description: "Closes the SSE stream mid-call; the result follows after the client reconnects", inputSchema: {} },
    async (_args, extra) => {
      closeStream(extra.sessionId, extra.requestId);
      await sleep(100);
      return text("Reconnection test completed successfully. The client reconnected after the stream closed.");
    },
  );
  server.registerTool(
    "test_sampling",
    { description: "Requests an LLM completion from the client", inputSchema: { prompt: z.string() } },
    async ({ prompt }, extra) => {
      try {
        // On the call's own stream (see elicitation.ts), so it cannot be lost before the client opens its GET stream.
        const params = { messages: [{ role: "user" as const, content: { type: "text" as const, text: prompt } }] };
        const result = await extra.sendRequest(
          { method: "sampling/createMessage", params: { ...params, maxTokens: 100 } },
          CreateMessageResultSchema,
        );
        const content = Array.isArray(result.content) ? result.content[0] : result.content;
        return text(`LLM response: ${content?.type === "text" ? content.text : "No response"}`);
      } catch (err) {
        return text(`Sampling not supported or error: ${(err as Error).message}`);
      }
    },
  );
  elicitationTools(server);
  server.registerTool(
    "json_schema_2020_12_tool",
    {
      description: "Tool with JSON Schema 2020-12 features (SEP-1613)",
      inputSchema: {
        name: z.string().optional(),
        address: z.object({ street: z.string().optional(), city: z.string().optional() }).optional(),
      },
    },
    async (args) => text(`JSON Schema 2020-12 tool called with: ${JSON.stringify(args)}`),
  );
}
