import { parse } from "@cdktf/hcl2json";
import { describe, expect, it } from "vitest";
import type { IdpKind } from "@/lib/enforcer/policy";
import { hclString } from "./hcl";
import { buildKit } from "./kit";
import { fixtureKitInput } from "./kit-fixtures";
import { kitToHtml, kitToJson, kitToMarkdown } from "./render-kit";
import { kitToTerraform } from "./terraform";

/**
 * The resource types and attributes the Terraform exports may use, checked against the providers'
 * own documentation (hashicorp/terraform-provider-azuread v3, okta/terraform-provider-okta v4,
 * auth0/terraform-provider-auth0 v1, hashicorp/random). A typo or an attribute a provider removed
 * fails here instead of at `terraform plan`.
 */
interface Schema {
  attrs: string[];
  blocks?: Record<string, Schema>;
}
const RESOURCES: Record<string, Schema> = {
  random_uuid: { attrs: [] },
  azuread_application: {
    attrs: ["display_name", "identifier_uris", "sign_in_audience", "fallback_public_client_enabled"],
    blocks: {
      api: {
        attrs: ["requested_access_token_version", "known_client_applications", "mapped_claims_enabled"],
        blocks: {
          oauth2_permission_scope: {
            attrs: [
              "admin_consent_description",
              "admin_consent_display_name",
              "enabled",
              "id",
              "type",
              "user_consent_description",
              "user_consent_display_name",
              "value",
            ],
          },
        },
      },
      web: {
        attrs: ["redirect_uris", "homepage_url", "logout_url"],
        blocks: { implicit_grant: { attrs: ["access_token_issuance_enabled", "id_token_issuance_enabled"] } },
      },
      public_client: { attrs: ["redirect_uris"] },
      required_resource_access: {
        attrs: ["resource_app_id"],
        blocks: { resource_access: { attrs: ["id", "type"] } },
      },
    },
  },
  azuread_service_principal: { attrs: ["client_id", "app_role_assignment_required", "owners"] },
  azuread_application_pre_authorized: { attrs: ["application_id", "authorized_client_id", "permission_ids"] },
  okta_auth_server: { attrs: ["name", "description", "audiences", "issuer_mode", "status"] },
  okta_auth_server_scope: {
    attrs: ["auth_server_id", "name", "display_name", "description", "consent", "metadata_publish", "default"],
  },
  okta_auth_server_policy: {
    attrs: ["auth_server_id", "name", "description", "priority", "status", "client_whitelist"],
  },
  okta_auth_server_policy_rule: {
    attrs: [
      "auth_server_id",
      "policy_id",
      "name",
      "priority",
      "status",
      "group_whitelist",
      "user_whitelist",
      "grant_type_whitelist",
      "scope_whitelist",
      "access_token_lifetime_minutes",
      "refresh_token_lifetime_minutes",
      "refresh_token_window_minutes",
    ],
  },
  okta_app_oauth: {
    attrs: [
      "label",
      "type",
      "grant_types",
      "response_types",
      "redirect_uris",
      "token_endpoint_auth_method",
      "pkce_required",
      "refresh_token_rotation",
      "refresh_token_leeway",
    ],
  },
  auth0_resource_server: {
    attrs: [
      "name",
      "identifier",
      "signing_alg",
      "enforce_policies",
      "token_dialect",
      "token_lifetime",
      "allow_offline_access",
      "skip_consent_for_verifiable_first_party_clients",
    ],
  },
  auth0_resource_server_scopes: {
    attrs: ["resource_server_identifier"],
    blocks: { scopes: { attrs: ["name", "description"] } },
  },
  auth0_client: {
    attrs: ["name", "app_type", "callbacks", "grant_types", "oidc_conformant"],
    blocks: {
      refresh_token: {
        attrs: ["rotation_type", "expiration_type", "leeway", "token_lifetime", "idle_token_lifetime"],
      },
    },
  },
  auth0_client_grant: { attrs: ["client_id", "audience", "scopes"] },
};
const PROVIDERS: Record<string, string[]> = {
  azuread: ["tenant_id"],
  okta: ["org_name", "base_url"],
  auth0: ["domain"],
};
const REQUIRED_TYPES: Record<IdpKind, string[]> = {
  entra: ["azuread_application", "azuread_service_principal"],
  okta: ["okta_auth_server", "okta_auth_server_scope", "okta_auth_server_policy", "okta_auth_server_policy_rule"],
  auth0: ["auth0_resource_server", "auth0_resource_server_scopes", "auth0_client"],
  oidc: [],
};

/** Every key of a parsed block is an allowed attribute or an allowed nested block (recursively). */
function unknownKeys(body: Record<string, unknown>, schema: Schema, path: string): string[] {
  const out: string[] = [];
  for (const [key, v] of Object.entries(body)) {
    const nested = schema.blocks?.[key];
    if (nested) {
      for (const b of v as Record<string, unknown>[]) out.push(...unknownKeys(b, nested, `${path}.${key}`));
    } else if (!schema.attrs.includes(key)) out.push(`${path}.${key}`);
  }
  return out;
}

const KINDS: IdpKind[] = ["entra", "okta", "auth0", "oidc"];

describe.each(KINDS)("IdP kit for %s", (kind) => {
  const input = fixtureKitInput(kind);
  const kit = buildKit(input);

  it("snapshots Markdown, HTML, JSON and Terraform", async () => {
    await expect(kitToMarkdown(kit)).toMatchFileSnapshot(`__snapshots__/${kind}.md`);
    await expect(kitToHtml(kit)).toMatchFileSnapshot(`__snapshots__/${kind}.html`);
    await expect(kitToJson(kit)).toMatchFileSnapshot(`__snapshots__/${kind}.json`);
    await expect(kitToTerraform(input)).toMatchFileSnapshot(`__snapshots__/${kind}.tf`);
  });

  it("Terraform parses as HCL and uses only known resource types and attributes", async () => {
    const parsed = (await parse(`${kind}.tf`, kitToTerraform(input))) as {
      resource?: Record<string, Record<string, Record<string, unknown>[]>>;
      provider?: Record<string, Record<string, unknown>[]>;
      variable?: Record<string, unknown>;
    };
    const problems: string[] = [];
    for (const [type, byName] of Object.entries(parsed.resource ?? {})) {
      const schema = RESOURCES[type];
      if (!schema) {
        problems.push(`unknown resource type ${type}`);
        continue;
      }
      for (const [name, bodies] of Object.entries(byName))
        for (const b of bodies) problems.push(...unknownKeys(b, schema, `${type}.${name}`));
    }
    for (const [name, bodies] of Object.entries(parsed.provider ?? {}))
      for (const b of bodies) problems.push(...unknownKeys(b, { attrs: PROVIDERS[name] ?? [] }, `provider.${name}`));
    expect(problems).toEqual([]);
    for (const t of REQUIRED_TYPES[kind]) expect(Object.keys(parsed.resource ?? {})).toContain(t);
    expect(Object.keys(parsed.variable ?? {}).length).toBeGreaterThan(0);
  });

  it("states the MCP client side: RFC 9728 URL, scopes in the IdP's format, PKCE S256", () => {
    expect(kit.client.metadataUrl).toBe(input.resource.metadataUrl);
    expect(kit.client.pkce).toBe("S256");
    const md = kitToMarkdown(kit);
    expect(md).toContain(input.resource.metadataUrl);
    expect(md).toContain("code_challenge_method: `S256`");
    if (kind === "entra")
      expect(kit.client.requestScopes).toEqual([
        "api://files-mcp/mcp:tools",
        "api://files-mcp/mcp:resources",
        "api://files-mcp/files:admin",
      ]);
    else expect(kit.client.requestScopes).toEqual(["mcp:tools", "mcp:resources", "files:admin"]);
  });

  it("gives every step a unique id and escapes values in HTML", () => {
    const ids = kit.sections.flatMap((s) => s.steps.map((st) => st.id));
    expect(new Set(ids).size).toBe(ids.length);
    const html = kitToHtml(kit);
    expect(html).toContain("@media print");
    expect(html).toContain('type="checkbox"');
    expect(html).not.toContain('"shared"');
  });
});

describe("IdP kit details", () => {
  it("adds the OBO / token exchange steps only when downstreams exist", async () => {
    for (const kind of KINDS) {
      const without = buildKit(fixtureKitInput(kind)).sections.map((s) => s.id);
      const withObo = buildKit(fixtureKitInput(kind, { obo: true })).sections.map((s) => s.id);
      expect(without).not.toContain("obo");
      expect(withObo).toContain("obo");
    }
    const okta = kitToTerraform(fixtureKitInput("okta", { obo: true }));
    expect(okta).toContain("urn:ietf:params:oauth:grant-type:token-exchange");
    await parse("okta.tf", okta);
  });

  it("Entra: v1 profile keeps requested_access_token_version 1; v2 sets 2", () => {
    const v1 = fixtureKitInput("entra");
    v1.idp.tokenVersion = "v1";
    expect(kitToTerraform(v1)).toMatch(/requested_access_token_version = 1/);
    expect(kitToTerraform(fixtureKitInput("entra"))).toMatch(/requested_access_token_version = 2/);
  });

  it("HCL strings never interpolate admin text", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal text is the point
    expect(hclString('a ${var.x} %{if} "q" \\')).toBe('"a $${var.x} %%{if} \\"q\\" \\\\"');
  });
});
