import { z } from "zod";
import { AsymmetricAlg, DEFAULT_METHOD_SCOPES, RateLimits } from "@/lib/enforcer/policy";

/**
 * The editable policy of an MCP resource (McpResource.draft, JSON). Publishing combines it
 * with the resource's URI and its IdP profile into an `EnforcerPolicy` bundle.
 */
export const BASE_SCOPES = [
  { name: "mcp:tools", description: "Invoke tools" },
  { name: "mcp:resources", description: "Read resources" },
  { name: "mcp:prompts", description: "Use prompts" },
  { name: "mcp:tools:read", description: "List and describe tools" },
  { name: "mcp:tools:execute", description: "Invoke tools (fine-grained)" },
  { name: "mcp:tools:admin", description: "Manage tool registrations" },
] as const;

export const ScopeName = z
  .string()
  .trim()
  .min(1, "Enter a scope.")
  .max(200, "At most 200 characters.")
  .regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, "A scope has no spaces, quotes or backslashes.");

export const ScopeDef = z.object({ name: ScopeName, description: z.string().trim().max(500).default("") });

export const ToolDef = z.object({
  name: z.string().trim().min(1, "Enter a tool name.").max(128, "At most 128 characters."),
  enabled: z.boolean().default(true),
  scopes: z.array(ScopeName).max(50).default([]),
  description: z.string().max(2000).optional(),
});

export const ResourceDraft = z.object({
  audiences: z.array(z.string().trim().min(1).max(500)).min(1, "Add at least one accepted audience.").max(20),
  algorithms: z.array(AsymmetricAlg).min(1).default(["RS256"]),
  clockToleranceSec: z.number().int().min(0).max(300).default(30),
  maxTokenLifetimeSec: z.number().int().min(0).max(31_536_000).default(0),
  documentationUrl: z.url().optional(),
  allowedOrigins: z.array(z.string().max(500)).max(100).default([]),
  scopes: z
    .array(ScopeDef)
    .max(200)
    .default(BASE_SCOPES.map((s) => ({ ...s }))),
  methods: z
    .record(z.string().max(200), z.object({ anyOf: z.array(ScopeName).max(50) }))
    .default(DEFAULT_METHOD_SCOPES),
  tools: z.array(ToolDef).max(5000).default([]),
  unlistedTools: z.enum(["deny", "allow"]).default("deny"),
  rateLimits: RateLimits.default(RateLimits.parse({})),
});
export type ResourceDraft = z.infer<typeof ResourceDraft>;
