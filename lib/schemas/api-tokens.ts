import { z } from "zod";

/** Admin API tokens (issue 14): input of the create form and of POST /api/v1/api-tokens. */
export const API_TOKEN_DEFAULT_DAYS = 90;
export const API_TOKEN_MAX_DAYS = 365;

export const CreateApiTokenInput = z
  .object({
    name: z.string().trim().min(1, "Enter a name.").max(100, "At most 100 characters."),
    role: z.enum(["owner", "admin", "viewer"], { error: "Choose owner, admin or viewer." }),
    // Narrower than the role when given; each must be one the role grants (checked on the server).
    permissions: z
      .array(z.string().regex(/^[a-z-]+\.[a-z]+$/, "Not a permission name."))
      .max(32, "At most 32 permissions.")
      .optional(),
    expiresInDays: z.coerce
      .number({ error: "Enter a number of days." })
      .int("Whole days only.")
      .min(1, "At least 1 day.")
      .max(API_TOKEN_MAX_DAYS, `At most ${API_TOKEN_MAX_DAYS} days (one year).`)
      .default(API_TOKEN_DEFAULT_DAYS),
    // Source addresses the token may be used from, e.g. 10.0.0.0/8 or 2001:db8::/32 (checked on the server).
    allowedCidrs: z
      .array(z.string().trim().min(1).max(64, "At most 64 characters."))
      .max(20, "At most 20 ranges.")
      .optional(),
  })
  .strict();
export type CreateApiTokenInput = z.infer<typeof CreateApiTokenInput>;

export const ApiTokenIdInput = z.object({ tokenId: z.string().min(1).max(64) });
export type ApiTokenIdInput = z.infer<typeof ApiTokenIdInput>;
