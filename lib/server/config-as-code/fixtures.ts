import "server-only";
import { CreateIdpProfileInput } from "@/lib/schemas/idp-profiles";
import { CreateResourceInput, UpdateDownstreamsInput, UpdateToolsInput } from "@/lib/schemas/resources";
import { ensureDefaultAlertRules } from "../alerts/rules";
import type { Actor } from "../auth/session";
import { publishConfig } from "../config/publish";
import { createIdpProfile } from "../idp-profiles/save-idp-profile";
import type { RequestContext } from "../request-context";
import { createResource } from "../resources/save-resource";
import { updateResourceDownstreams, updateResourceTools } from "../resources/update-draft";

/**
 * Test-only: the setup an admin clicks together in the dashboard (an Entra and an Okta profile, two
 * resources with tools, a downstream API, one published, the seeded alert rules), made through the same
 * data functions the dashboard's actions call.
 */
export const fixtureActor: Actor = { id: "cac-admin", email: "cac-admin@example.test", name: "CaC", role: "admin" };
export const fixtureCtx: RequestContext = { requestId: "req-cac", ip: "127.0.0.1" };

export async function clickTogether(): Promise<{ filesId: string; searchId: string }> {
  const a = fixtureActor;
  const c = fixtureCtx;
  const entra = await createIdpProfile(
    a,
    CreateIdpProfileInput.parse({ name: "corp-entra", kind: "entra", tenantId: "contoso.onmicrosoft.com" }),
    c,
  );
  const okta = await createIdpProfile(
    a,
    CreateIdpProfileInput.parse({
      name: "okta-dev",
      kind: "okta",
      domain: "dev-1.okta.com",
      algorithms: ["RS256", "ES256"],
    }),
    c,
  );
  const files = await createResource(
    a,
    CreateResourceInput.parse({
      name: "files",
      uri: "https://files.example.test/mcp",
      idpProfileId: entra.id,
      audiences: ["api://files"],
    }),
    c,
  );
  await updateResourceTools(
    a,
    UpdateToolsInput.parse({
      id: files.id,
      unlistedTools: "deny",
      tools: [
        { name: "search", enabled: true, scopes: [] },
        { name: "read_file", enabled: true, scopes: ["mcp:tools:read"], description: "Read one file" },
        { name: "delete_file", enabled: false, scopes: ["mcp:tools:admin"] },
      ],
    }),
    c,
  );
  await updateResourceDownstreams(
    a,
    UpdateDownstreamsInput.parse({
      id: files.id,
      downstreams: [
        {
          name: "graph",
          grant: "entra_obo",
          scope: "https://graph.microsoft.com/.default",
          clientId: "11111111-2222-3333-4444-555555555555",
          secretFrom: { env: "GRAPH_OBO_SECRET" },
        },
      ],
    }),
    c,
  );
  const search = await createResource(
    a,
    CreateResourceInput.parse({
      name: "search",
      uri: "https://search.example.test/mcp",
      idpProfileId: okta.id,
      audiences: ["api://default"],
    }),
    c,
  );
  await publishConfig(a, { resourceId: files.id, note: "first" }, c);
  await publishConfig(a, { resourceId: search.id, note: "first" }, c);
  await ensureDefaultAlertRules();
  return { filesId: files.id, searchId: search.id };
}
