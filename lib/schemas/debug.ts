import { z } from "zod";

/**
 * Token debugger input. The token is held for one run and never stored, logged or echoed back;
 * up to 64 KiB are accepted so that an oversized token still reaches the enforcer's size check.
 */
export const MAX_DEBUG_TOKEN_CHARS = 65_536;

export const PolicyVersionChoice = z.union([
  z.literal("draft"),
  z.literal("published"),
  z.coerce.number().int().min(1, "Versions start at 1."),
]);
export type PolicyVersionChoice = z.infer<typeof PolicyVersionChoice>;

export const DebugTokenInput = z.object({
  resourceId: z.string().trim().min(1, "Choose a resource.").max(100),
  version: PolicyVersionChoice.default("published"),
  token: z
    .string()
    // Pasted with "Bearer " or surrounding whitespace: the debugger looks at the token itself.
    .transform((v) => v.trim().replace(/^bearer\s+/i, ""))
    .pipe(z.string().min(1, "Paste a token.").max(MAX_DEBUG_TOKEN_CHARS, "At most 64 KiB.")),
  method: z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z
      .string()
      .trim()
      .max(200)
      .regex(/^[A-Za-z0-9_/$.-]+$/, "A method name such as tools/call.")
      .optional(),
  ),
  tool: z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z.string().trim().max(128).optional(),
  ),
});
export type DebugTokenInput = z.infer<typeof DebugTokenInput>;

export const VerifyKitInput = z.object({
  /** Optional sample access token, checked against the kit and then forgotten. */
  sampleToken: z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z
      .string()
      .transform((v) => v.trim().replace(/^bearer\s+/i, ""))
      .pipe(z.string().max(MAX_DEBUG_TOKEN_CHARS, "At most 64 KiB."))
      .optional(),
  ),
});
export type VerifyKitInput = z.infer<typeof VerifyKitInput>;

export const KIT_FORMATS = ["markdown", "html", "json", "terraform"] as const;
export const KitFormat = z.enum(KIT_FORMATS, { error: "format must be markdown, html, json or terraform." });
export type KitFormat = z.infer<typeof KitFormat>;
