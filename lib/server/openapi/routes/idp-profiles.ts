import "server-only";
import { z } from "zod";
import { CreateIdpProfileInput } from "@/lib/schemas/idp-profiles";
import { IdpProfile } from "../dto";
import { defineFamily, op } from "../registry";
import { IdParams } from "./common";

const profile = z.object({ idpProfile: IdpProfile });

export const idpProfilesFamily = defineFamily(
  "IdP profiles",
  "Identity provider profiles (Entra ID, Okta, Auth0, OIDC).",
  [
    op({
      method: "get",
      path: "/api/v1/idp-profiles",
      summary: "List IdP profiles",
      permission: "idp.read",
      responses: { 200: { description: "Profiles", schema: z.object({ idpProfiles: z.array(IdpProfile) }) } },
    }),
    op({
      method: "post",
      path: "/api/v1/idp-profiles",
      summary: "Create an IdP profile",
      permission: "idp.write",
      body: CreateIdpProfileInput,
      responses: { 201: { description: "Created", schema: profile } },
    }),
    op({
      method: "get",
      path: "/api/v1/idp-profiles/{id}",
      summary: "Get an IdP profile",
      permission: "idp.read",
      params: IdParams,
      responses: { 200: { description: "The profile", schema: profile } },
    }),
    op({
      method: "put",
      path: "/api/v1/idp-profiles/{id}",
      summary: "Replace an IdP profile's definition",
      permission: "idp.write",
      params: IdParams,
      body: CreateIdpProfileInput,
      responses: { 200: { description: "Updated", schema: profile } },
    }),
    op({
      method: "delete",
      path: "/api/v1/idp-profiles/{id}",
      summary: "Delete an IdP profile no resource uses",
      permission: "idp.write",
      params: IdParams,
      responses: { 204: { description: "Deleted" } },
    }),
    op({
      method: "post",
      path: "/api/v1/idp-profiles/{id}/test",
      summary: "Run Test connection (discovery, issuer, JWKS) now",
      permission: "idp.write",
      params: IdParams,
      responses: {
        200: {
          description: "The stored result",
          schema: z.object({
            ok: z.boolean().nullable(),
            result: z.looseObject({ ok: z.boolean(), testedAt: z.string(), warnings: z.array(z.string()) }).nullable(),
            idpProfile: IdpProfile,
          }),
        },
      },
    }),
  ],
);
