import "server-only";
import { z } from "zod";
import { CreateAdminInput, PatchAdminBody } from "@/lib/schemas/admins";
import { CreateApiTokenInput } from "@/lib/schemas/api-tokens";
import { Admin, ApiToken } from "../dto";
import { defineFamily, op } from "../registry";
import { IdParams } from "./common";

export const adminsFamily = defineFamily(
  "Admins and API tokens",
  "Admin accounts (owners manage them) and personal API tokens. Token management needs a signed-in session: tokens.manage is never granted to a token.",
  [
    op({
      method: "get",
      path: "/api/v1/admins",
      summary: "List admins",
      permission: "admins.read",
      responses: { 200: { description: "Admins", schema: z.object({ admins: z.array(Admin) }) } },
    }),
    op({
      method: "post",
      path: "/api/v1/admins",
      summary: "Create a local admin",
      permission: "admins.manage",
      body: CreateAdminInput,
      responses: { 201: { description: "Created", schema: z.object({ admin: Admin }) } },
    }),
    op({
      method: "patch",
      path: "/api/v1/admins/{id}",
      summary: "Change an admin's role or status (disabling revokes their API tokens)",
      permission: "admins.manage",
      params: IdParams,
      body: PatchAdminBody,
      responses: { 200: { description: "Updated", schema: z.object({ admin: Admin }) } },
    }),
    op({
      method: "get",
      path: "/api/v1/api-tokens",
      summary: "List your API tokens (session only)",
      permission: "tokens.manage",
      responses: { 200: { description: "Your tokens", schema: z.object({ apiTokens: z.array(ApiToken) }) } },
    }),
    op({
      method: "post",
      path: "/api/v1/api-tokens",
      summary: "Create an API token (session only; the token is in this answer only)",
      permission: "tokens.manage",
      body: CreateApiTokenInput,
      responses: {
        201: {
          description: "Created",
          schema: z.object({ token: z.string().describe("pcl_api_<prefix>_<secret>"), apiToken: ApiToken }),
        },
      },
    }),
    op({
      method: "delete",
      path: "/api/v1/api-tokens/{id}",
      summary: "Revoke an API token (session only)",
      permission: "tokens.manage",
      params: IdParams,
      responses: { 200: { description: "Revoked", schema: z.object({ apiToken: ApiToken }) } },
    }),
  ],
);
