import { z } from "zod";

/** Admin input for enforcer credentials, and the enforcer's heartbeat (machine input). */
const ResourceId = z.string().trim().min(1).max(100);
const CredentialId = z.string().trim().min(1).max(100);

export const CreateCredentialInput = z.object({
  resourceId: ResourceId,
  name: z
    .string()
    .trim()
    .min(1, "Enter a name, e.g. the host or cluster it is for.")
    .max(100, "At most 100 characters."),
});
export type CreateCredentialInput = z.infer<typeof CreateCredentialInput>;

export const RevokeCredentialInput = z.object({ resourceId: ResourceId, credentialId: CredentialId });
export type RevokeCredentialInput = z.infer<typeof RevokeCredentialInput>;

export const RotateCredentialInput = z.object({
  resourceId: ResourceId,
  credentialId: CredentialId,
  /** How long the old credential keeps working, so enforcers can be redeployed with the new one. */
  overlapHours: z.coerce.number().int().min(0, "At least 0 hours.").max(720, "At most 30 days.").default(24),
});
export type RotateCredentialInput = z.infer<typeof RotateCredentialInput>;

/** REST bodies carry the ids in the path. */
export const CreateCredentialBody = CreateCredentialInput.omit({ resourceId: true });
export const RotateCredentialBody = RotateCredentialInput.omit({ resourceId: true, credentialId: true });

// Bounded sizes: this is untrusted input from the network, shown in the dashboard.
const printable = (max: number) =>
  z
    .string()
    .max(max)
    .transform((v) => v.replace(/\p{Cc}/gu, " "));

export const HeartbeatInput = z.object({
  instanceId: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[\w.:@-]+$/, "letters, digits and . _ : @ - only"),
  host: printable(255).default(""),
  moduleVersion: printable(50).default(""),
  appliedVersion: z.number().int().min(0).max(2_147_483_647).nullable().default(null),
  lastError: printable(1000).nullable().default(null),
});
export type HeartbeatInput = z.infer<typeof HeartbeatInput>;
