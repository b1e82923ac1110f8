import "server-only";
import { z } from "zod";
import { DiffQuery, PublishBody, RollbackBody } from "@/lib/schemas/config";
import { KitFormat, VerifyKitInput } from "@/lib/schemas/debug";
import { CreateCredentialBody, RotateCredentialBody } from "@/lib/schemas/enforcers";
import { CreateResourceInput, UpdatePolicyInput, UpdateToolsInput } from "@/lib/schemas/resources";
import { DeleteResourceInput } from "../../resources/archive";
import { ConfigVersion, Credential, DiffEntry, Resource, ResourceListItem } from "../dto";
import { defineFamily, op } from "../registry";
import { CredentialParams, IdParams, VersionParams } from "./common";

const resource = z.object({ resource: Resource });
const issued = z.object({ credential: Credential, secret: z.string().describe("pcl_<prefix>_<secret>: shown once") });
const version = z.object({ version: ConfigVersion });
const archived = z.object({ version: z.number().int().nullable() });

export const resourcesFamily = defineFamily(
  "Resources",
  "MCP resources, their draft policy, publishing and enforcer credentials.",
  [
    op({
      method: "get",
      path: "/api/v1/resources",
      summary: "List resources",
      permission: "resources.read",
      responses: { 200: { description: "Every resource", schema: z.object({ resources: z.array(ResourceListItem) }) } },
    }),
    op({
      method: "post",
      path: "/api/v1/resources",
      summary: "Create a resource",
      permission: "resources.write",
      body: CreateResourceInput,
      responses: { 201: { description: "Created", schema: resource } },
    }),
    op({
      method: "get",
      path: "/api/v1/resources/{id}",
      summary: "Get a resource and its draft status",
      permission: "resources.read",
      params: IdParams,
      responses: {
        200: {
          description: "The resource",
          schema: z.object({
            resource: Resource,
            draftStatus: z.looseObject({
              latestVersion: z.number().int().nullable(),
              hasUnpublishedChanges: z.boolean(),
              changeCount: z.number().int().nullable(),
            }),
          }),
        },
      },
    }),
    op({
      method: "put",
      path: "/api/v1/resources/{id}",
      summary: "Replace a resource's settings (policy and tools are kept)",
      permission: "resources.write",
      params: IdParams,
      body: CreateResourceInput,
      responses: { 200: { description: "Updated", schema: resource } },
    }),
    op({
      method: "post",
      path: "/api/v1/resources/{id}/archive",
      summary: "Archive: publish a bundle that makes every enforcer refuse all requests (resource_archived)",
      permission: "resources.write",
      params: IdParams,
      responses: {
        200: { description: "Archived; the deny-all version (null when nothing was published)", schema: archived },
      },
    }),
    op({
      method: "post",
      path: "/api/v1/resources/{id}/restore",
      summary: "Restore an archived resource: publish its last policy before the archive again",
      permission: "resources.write",
      params: IdParams,
      responses: {
        200: { description: "Restored; the new version (null when nothing was published)", schema: archived },
      },
    }),
    op({
      method: "delete",
      path: "/api/v1/resources/{id}",
      summary: "Delete an archived resource; the body names it exactly",
      permission: "resources.write",
      params: IdParams,
      body: DeleteResourceInput.omit({ id: true }),
      responses: { 204: { description: "Deleted (versions, credentials and snapshots with it)" } },
    }),
    op({
      method: "put",
      path: "/api/v1/resources/{id}/policy",
      summary: "Replace the draft's scopes, method → scopes mapping and rate limits",
      permission: "resources.write",
      params: IdParams,
      body: UpdatePolicyInput.omit({ id: true }),
      responses: { 200: { description: "Updated", schema: resource } },
    }),
    op({
      method: "put",
      path: "/api/v1/resources/{id}/tools",
      summary: "Replace the draft's tool allowlist",
      permission: "resources.write",
      params: IdParams,
      body: UpdateToolsInput.omit({ id: true }),
      responses: { 200: { description: "Updated", schema: resource } },
    }),
    op({
      method: "post",
      path: "/api/v1/resources/{id}/publish",
      summary: "Publish the draft as the next signed config version",
      permission: "config.publish",
      params: IdParams,
      body: PublishBody,
      bodyOptional: true,
      responses: { 201: { description: "The new version", schema: version } },
    }),
    op({
      method: "get",
      path: "/api/v1/resources/{id}/versions",
      summary: "List published config versions, newest first",
      permission: "resources.read",
      params: IdParams,
      responses: { 200: { description: "Versions", schema: z.object({ versions: z.array(ConfigVersion) }) } },
    }),
    op({
      method: "get",
      path: "/api/v1/resources/{id}/versions/{version}",
      summary: "One version with its bundle",
      permission: "resources.read",
      params: VersionParams,
      responses: {
        200: {
          description: "The version",
          schema: z.object({ version: ConfigVersion.extend({ bundle: z.record(z.string(), z.unknown()) }) }),
        },
      },
    }),
    op({
      method: "post",
      path: "/api/v1/resources/{id}/versions/{version}/rollback",
      summary: "Publish an old version's policy again as a new version",
      permission: "config.publish",
      params: VersionParams,
      body: RollbackBody,
      bodyOptional: true,
      responses: { 201: { description: "The new version", schema: version } },
    }),
    op({
      method: "get",
      path: "/api/v1/resources/{id}/versions/diff",
      summary: "Changes between two versions' policies",
      permission: "resources.read",
      params: IdParams,
      query: DiffQuery,
      responses: {
        200: {
          description: "The diff",
          schema: z.object({ from: ConfigVersion, to: ConfigVersion, changes: z.array(DiffEntry) }),
        },
      },
    }),
    op({
      method: "get",
      path: "/api/v1/resources/{id}/credentials",
      summary: "List the resource's enforcer credentials (never their secrets)",
      permission: "resources.read",
      params: IdParams,
      responses: { 200: { description: "Credentials", schema: z.object({ credentials: z.array(Credential) }) } },
    }),
    op({
      method: "post",
      path: "/api/v1/resources/{id}/credentials",
      summary: "Create an enforcer credential (its secret is in this answer only)",
      permission: "credentials.manage",
      params: IdParams,
      body: CreateCredentialBody,
      responses: { 201: { description: "Created", schema: issued } },
    }),
    op({
      method: "post",
      path: "/api/v1/resources/{id}/credentials/{credentialId}/revoke",
      summary: "Revoke an enforcer credential at once",
      permission: "credentials.manage",
      params: CredentialParams,
      responses: { 200: { description: "Revoked", schema: z.object({ credential: Credential }) } },
    }),
    op({
      method: "post",
      path: "/api/v1/resources/{id}/credentials/{credentialId}/rotate",
      summary: "Rotate an enforcer credential (the old one expires after the overlap)",
      permission: "credentials.manage",
      params: CredentialParams,
      body: RotateCredentialBody,
      bodyOptional: true,
      responses: { 201: { description: "The new secret", schema: issued.extend({ previous: Credential }) } },
    }),
    op({
      method: "get",
      path: "/api/v1/resources/{id}/idp-kit",
      summary: "The IdP app-registration kit as a download",
      permission: "resources.read",
      params: IdParams,
      query: z.object({ format: KitFormat.optional() }),
      responses: {
        200: { description: "Markdown, HTML, JSON or Terraform (per format)", contentType: "text/markdown" },
      },
    }),
    op({
      method: "post",
      path: "/api/v1/resources/{id}/idp-kit/verify",
      summary: "Verify the kit against the live IdP (and an optional sample token, never stored)",
      permission: "resources.read",
      params: IdParams,
      body: VerifyKitInput,
      responses: {
        200: {
          description: "One result per check",
          schema: z.object({
            checkedAt: z.string(),
            checks: z.array(
              z.looseObject({ id: z.string(), title: z.string(), status: z.string(), detail: z.string() }),
            ),
            sample: z.array(z.unknown()).nullable(),
          }),
        },
      },
    }),
  ],
);
