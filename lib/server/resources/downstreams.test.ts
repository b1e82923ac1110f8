/**
 * Issue 13 #1: downstream APIs saved on the resource are audited and published as `policy.obo`, with the token
 * endpoint derived from the IdP profile (or refused at publish when it cannot be derived), and no secret anywhere.
 */
import { describe, expect, it } from "vitest";
import { UpdateDownstreamsInput } from "@/lib/schemas/resources";
import { validatePolicy } from "../config/build-policy";
import { publishConfig } from "../config/publish";
import { getConfigVersion } from "../config/versions";
import { db } from "../db";
import { createTestResource, testActor, testCtx } from "../enforcers/test-fixtures";
import { AppError } from "../errors";
import { updateResourceDownstreams } from "./update-draft";

const graph = {
  name: "graph",
  grant: "entra_obo",
  scope: "https://graph.microsoft.com/.default",
  clientId: "11111111-2222-3333-4444-555555555555",
  clientAuth: "client_secret_post",
  secretFrom: { env: "PORTCULLIS_OBO_GRAPH_SECRET" },
};

describe("downstream APIs", () => {
  it("are saved with an audit row and published with the IdP's derived token endpoint", async () => {
    const { resourceId, idpProfileId } = await createTestResource();
    const tenant = "0000aaaa-1111-4222-8333-444455556666";
    await db().idpProfile.update({
      where: { id: idpProfileId },
      data: {
        kind: "entra",
        settings: JSON.stringify({ kind: "entra", tenantId: tenant, tokenVersion: "v2" }),
        // The IdP's origin: the derived token endpoint must be on it (the enforcer checks the same).
        issuers: JSON.stringify([`https://login.microsoftonline.com/${tenant}/v2.0`]),
        jwksUri: `https://login.microsoftonline.com/${tenant}/discovery/v2.0/keys`,
      },
    });
    await updateResourceDownstreams(
      testActor,
      UpdateDownstreamsInput.parse({ id: resourceId, downstreams: [graph] }),
      testCtx,
    );
    const audit = await db().auditEvent.findFirst({
      where: { action: "resource.downstreams_updated", targetId: resourceId },
    });
    expect(JSON.parse(audit?.after ?? "{}").changes).toEqual([
      expect.objectContaining({ path: "draft.downstreams[graph]", kind: "added" }),
    ]);

    const v = await publishConfig(testActor, { resourceId, note: "" }, testCtx);
    const { bundle } = await getConfigVersion(resourceId, v.version);
    expect(bundle.policy.obo).toEqual([
      {
        name: "graph",
        grant: "entra_obo",
        scope: "https://graph.microsoft.com/.default",
        tokenEndpoint: `https://login.microsoftonline.com/${tenant}/oauth2/v2.0/token`,
        clientId: graph.clientId,
        clientAuth: "client_secret_post",
        secretFrom: { env: "PORTCULLIS_OBO_GRAPH_SECRET" },
      },
    ]);
  });

  it("a generic OIDC profile needs an explicit token endpoint: the publish names the field", async () => {
    const { resourceId } = await createTestResource();
    await updateResourceDownstreams(
      testActor,
      UpdateDownstreamsInput.parse({ id: resourceId, downstreams: [{ ...graph, grant: "token_exchange" }] }),
      testCtx,
    );
    const err = await publishConfig(testActor, { resourceId, note: "" }, testCtx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).fieldErrors).toHaveProperty("draft.downstreams.0.tokenEndpoint");
  });

  it("refuses a token endpoint off the IdP profile's origin, on save and on publish (security)", async () => {
    const { resourceId } = await createTestResource();
    const attacker = { ...graph, grant: "token_exchange", tokenEndpoint: "https://attacker.example/collect" };
    const err = await updateResourceDownstreams(
      testActor,
      UpdateDownstreamsInput.parse({ id: resourceId, downstreams: [attacker] }),
      testCtx,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).fieldErrors?.["downstreams.0.tokenEndpoint"]?.[0]).toMatch(/must be on the IdP's origin/);
    const row = await db().mcpResource.findUniqueOrThrow({ where: { id: resourceId }, select: { draft: true } });
    expect(JSON.parse(row.draft).downstreams ?? []).toEqual([]);

    // A draft stored before the check (or a profile whose origin changed since) is refused at publish.
    const draft = JSON.parse(row.draft);
    await db().mcpResource.update({
      where: { id: resourceId },
      data: { draft: JSON.stringify({ ...draft, downstreams: [attacker] }) },
    });
    const pub = await publishConfig(testActor, { resourceId, note: "" }, testCtx).catch((e: unknown) => e);
    expect((pub as AppError).fieldErrors?.["draft.downstreams.0.tokenEndpoint"]?.[0]).toMatch(/IdP's origin/);

    // The IdP's own origin is fine.
    const own = await db().idpProfile.findFirstOrThrow({ where: { resources: { some: { id: resourceId } } } });
    const origin = new URL(own.jwksUri).origin;
    await updateResourceDownstreams(
      testActor,
      UpdateDownstreamsInput.parse({
        id: resourceId,
        downstreams: [{ ...attacker, tokenEndpoint: `${origin}/token` }],
      }),
      testCtx,
    );
    const v = await publishConfig(testActor, { resourceId, note: "" }, testCtx);
    expect((await getConfigVersion(resourceId, v.version)).bundle.policy.obo[0]?.tokenEndpoint).toBe(`${origin}/token`);
  });

  it("a rollback target whose token endpoint is off its IdP's origin is refused", async () => {
    const { resourceId } = await createTestResource();
    const v = await publishConfig(testActor, { resourceId, note: "" }, testCtx);
    const { bundle } = await getConfigVersion(resourceId, v.version);
    const tampered = {
      ...bundle.policy,
      obo: [{ name: "x", grant: "token_exchange", scope: "s", tokenEndpoint: "https://attacker.example/t" }],
    };
    expect(() => validatePolicy(tampered, resourceId)).toThrow(/not the IdP's/);
  });

  it("refuses bad input with messages that say what is expected", () => {
    const bad = UpdateDownstreamsInput.safeParse({
      id: "r",
      downstreams: [
        { ...graph, name: "my graph", secretFrom: { env: "not a name" } },
        { ...graph, name: "b", secretFrom: { env: "A", file: "/x" } },
        { ...graph, name: "c", tokenEndpoint: "not a url" },
      ],
    });
    expect(bad.success).toBe(false);
    const messages = Object.fromEntries((bad.error?.issues ?? []).map((i) => [i.path.join("."), i.message]));
    expect(messages["downstreams.0.name"]).toMatch(/letters, digits/);
    expect(messages["downstreams.0.secretFrom.env"]).toMatch(/environment variable name/);
    expect(messages["downstreams.1.secretFrom"]).toMatch(/either an environment variable or a file path/);
    expect(messages["downstreams.2.tokenEndpoint"]).toMatch(/https URL/);
    const dup = UpdateDownstreamsInput.safeParse({ id: "r", downstreams: [graph, graph] });
    expect(dup.error?.issues[0]?.message).toBe("A downstream name is used twice.");
  });
});
