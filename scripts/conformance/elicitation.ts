/**
 * The conformance suite's elicitation tools: `test_elicitation`, SEP-1034 defaults and SEP-1330 enum forms. Sent
 * with the call's `sendRequest` (not `elicitInput`), so the schemas go out exactly as the scenarios check them and
 * the request travels on the tool call's own SSE stream: `server.request` would use the session's GET stream,
 * which a client may not have opened yet (the request is then lost and the call times out; seen behind the proxy).
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import { ElicitResultSchema, type ServerNotification, type ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";

const text = (value: string) => ({ content: [{ type: "text" as const, text: value }] });

const SEP1034_DEFAULTS = {
  type: "object",
  properties: {
    name: { type: "string", description: "User name", default: "John Doe" },
    age: { type: "integer", description: "User age", default: 30 },
    score: { type: "number", description: "User score", default: 95.5 },
    status: { type: "string", description: "User status", enum: ["active", "inactive", "pending"], default: "active" },
    verified: { type: "boolean", description: "Verification status", default: true },
  },
  required: [],
};

const options = (titles: string[]) => titles.map((title, i) => ({ const: `value${i + 1}`, title }));
const SEP1330_ENUMS = {
  type: "object",
  properties: {
    untitledSingle: { type: "string", description: "Select one option", enum: ["option1", "option2", "option3"] },
    titledSingle: {
      type: "string",
      description: "Select one option with titles",
      oneOf: options(["First Option", "Second Option", "Third Option"]),
    },
    legacyEnum: {
      type: "string",
      description: "Select one option (legacy)",
      enum: ["opt1", "opt2", "opt3"],
      enumNames: ["Option One", "Option Two", "Option Three"],
    },
    untitledMulti: {
      type: "array",
      description: "Select multiple options",
      minItems: 1,
      maxItems: 3,
      items: { type: "string", enum: ["option1", "option2", "option3"] },
    },
    titledMulti: {
      type: "array",
      description: "Select multiple options with titles",
      minItems: 1,
      maxItems: 3,
      items: { anyOf: options(["First Choice", "Second Choice", "Third Choice"]) },
    },
  },
  required: [],
};

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

async function elicit(extra: Extra, message: string, requestedSchema: object, prefix: string) {
  try {
    // The request goes out as written: the SDK's types do not know every schema form the scenarios send.
    const request = { method: "elicitation/create", params: { message, requestedSchema } } as unknown as ServerRequest;
    const result = await extra.sendRequest(request, ElicitResultSchema);
    return text(`${prefix}: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`);
  } catch (err) {
    return text(`Elicitation not supported or error: ${(err as Error).message}`);
  }
}

export function elicitationTools(server: McpServer): void {
  server.registerTool(
    "test_elicitation",
    { description: "Requests user input from the client", inputSchema: { message: z.string() } },
    async ({ message }, extra) =>
      elicit(
        extra,
        message,
        {
          type: "object",
          properties: {
            username: { type: "string", description: "User's response" },
            email: { type: "string", description: "User's email address" },
          },
          required: ["username", "email"],
        },
        "User response",
      ),
  );
  server.registerTool(
    "test_elicitation_sep1034_defaults",
    { description: "Elicitation with default values (SEP-1034)", inputSchema: {} },
    async (_args, extra) =>
      elicit(
        extra,
        "Please review and update the form fields with defaults",
        SEP1034_DEFAULTS,
        "Elicitation completed",
      ),
  );
  server.registerTool(
    "test_elicitation_sep1330_enums",
    { description: "Elicitation with the enum schema forms (SEP-1330)", inputSchema: {} },
    async (_args, extra) =>
      elicit(extra, "Please select options from the enum fields", SEP1330_ENUMS, "Elicitation completed"),
  );
}
