import "server-only";
import { z } from "zod";
import { ALERT_KINDS } from "@/lib/schemas/alerts";
import type { AdminDto } from "../admins";
import type { AlertDto, DeliveryDto } from "../alerts/alerts";
import type { ChannelDto } from "../alerts/channels";
import type { RuleDto } from "../alerts/rules";
import type { ApiTokenDto } from "../api-tokens/tokens";
import type { SigningKeyDto } from "../config/signing-key";
import type { ConfigVersionDto } from "../config/versions";
import type { CredentialDto } from "../enforcers/credentials";
import type { ResourceListItem as ResourceListItemDto } from "../resources/types";

/**
 * Zod schemas of the JSON answers (the request side uses lib/schemas directly). `satisfies` ties each
 * one to the DTO type the data function returns, so a renamed or retyped field fails `tsc`; the
 * contract test (contract.test.ts) checks real answers against them. Large nested objects (a
 * resource's draft, an IdP profile's settings) are open objects with their stable fields named.
 */
const iso = z.string().describe("ISO 8601 date-time, UTC");
const isoOrNull = iso.nullable();

export const ErrorBody = z.object({
  error: z.object({
    code: z.string().describe("Machine-readable code (lib/server/errors.ts), e.g. invalid_input, forbidden"),
    message: z.string(),
    requestId: z.string(),
    fields: z.record(z.string(), z.array(z.string())).optional().describe("Field path → messages (422)"),
  }),
});

export const Admin = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.string(),
  status: z.string(),
  sso: z.boolean(),
  passwordEnabled: z.boolean(),
  mustChangePassword: z.boolean().describe("The password was set by an owner or generated; changed at first sign-in"),
  createdAt: iso,
  lastLoginAt: isoOrNull,
}) satisfies z.ZodType<AdminDto>;

export const ApiToken = z.object({
  id: z.string(),
  name: z.string(),
  displayPrefix: z.string(),
  role: z.enum(["owner", "admin", "viewer"]),
  permissions: z.array(z.string()).nullable(),
  allowedCidrs: z.array(z.string()),
  createdAt: iso,
  expiresAt: iso,
  lastUsedAt: isoOrNull,
  lastUsedIp: z.string().nullable(),
  revokedAt: isoOrNull,
  status: z.enum(["active", "expired", "revoked"]),
}) as z.ZodType<ApiTokenDto>;

export const Credential = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: iso,
  lastUsedAt: isoOrNull,
  expiresAt: isoOrNull,
  revokedAt: isoOrNull,
  status: z.enum(["active", "expiring", "expired", "revoked"]),
}) satisfies z.ZodType<CredentialDto>;

export const ConfigVersion = z.object({
  version: z.number().int(),
  etag: z.string(),
  kid: z.string(),
  publishedAt: iso,
  publishedByEmail: z.string(),
  note: z.string(),
  rolledBackFrom: z.number().int().nullable(),
}) satisfies z.ZodType<ConfigVersionDto>;

export const SigningKey = z.object({
  kid: z.string(),
  alg: z.string(),
  status: z.string(),
  createdAt: iso,
  expiresAt: iso,
  retiredAt: isoOrNull,
}) satisfies z.ZodType<SigningKeyDto>;

export const DiffEntry = z.object({
  path: z.string(),
  kind: z.enum(["added", "removed", "changed"]),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});

export const IdpProfile = z.looseObject({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  settings: z.record(z.string(), z.unknown()),
  issuers: z.array(z.string()),
  discoveryUrl: z.string(),
  jwksUri: z.string(),
  algorithms: z.array(z.string()),
  lastTestAt: isoOrNull,
  lastTestOk: z.boolean().nullable(),
  resourceCount: z.number().int(),
  createdAt: iso,
  updatedAt: iso,
});

export const Resource = z.looseObject({
  id: z.string(),
  name: z.string(),
  uri: z.string(),
  idpProfileId: z.string(),
  idpProfile: IdpProfile,
  draft: z.record(z.string(), z.unknown()),
  createdAt: iso,
  updatedAt: iso,
});

export const ResourceListItem = z.object({
  id: z.string(),
  name: z.string(),
  uri: z.string(),
  idpProfileId: z.string(),
  idpProfileName: z.string(),
  idpKind: z.string(),
  toolCount: z.number().int(),
  latestVersion: z.number().int().nullable(),
  latestPublishedAt: isoOrNull,
  hasUnpublishedChanges: z.boolean(),
  archivedAt: isoOrNull,
  updatedAt: iso,
}) satisfies z.ZodType<ResourceListItemDto>;

export const AlertRule = z.object({
  id: z.string(),
  kind: z.enum(ALERT_KINDS),
  reason: z.string(),
  resourceId: z.string(),
  name: z.string(),
  threshold: z.number(),
  windowMin: z.number(),
  forMin: z.number(),
  resolveMin: z.number(),
  renotifyMin: z.number(),
  severity: z.string(),
  enabled: z.boolean(),
  channelIds: z.array(z.string()),
  updatedAt: iso,
}) satisfies z.ZodType<RuleDto>;

export const AlertChannel = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(["webhook", "slack", "email"]),
  target: z.string(),
  minSeverity: z.string(),
  template: z.string(),
  enabled: z.boolean(),
  createdAt: iso,
}) satisfies z.ZodType<ChannelDto>;

export const Alert = z.object({
  id: z.string(),
  state: z.string(),
  severity: z.string(),
  ruleId: z.string(),
  ruleName: z.string(),
  kind: z.string(),
  reason: z.string(),
  windowMin: z.number(),
  resourceId: z.string(),
  resourceName: z.string().nullable(),
  key: z.string(),
  value: z.number(),
  threshold: z.number(),
  summary: z.string(),
  flapping: z.boolean(),
  startedAt: iso,
  firedAt: isoOrNull,
  ackAt: isoOrNull,
  ackByEmail: z.string().nullable(),
  ackNote: z.string(),
  resolvedAt: isoOrNull,
  resolvedBy: z.string().nullable(),
}) satisfies z.ZodType<AlertDto>;

export const Delivery = z.object({
  id: z.string(),
  channelId: z.string(),
  channelName: z.string(),
  event: z.string(),
  status: z.string(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: iso,
  deliveredAt: isoOrNull,
}) satisfies z.ZodType<DeliveryDto>;
