/**
 * The live demo's data, written through the control plane's own server code (the data functions the dashboard's
 * actions and REST routes call, each checking its input and writing its audit row), never raw SQL. Runs in its own
 * process under the `react-server` condition (`server-only` modules), before the control plane starts:
 *   tsx --conditions=react-server scripts/demo/live/seed.ts   (input: DEMO_SEED JSON; output: one JSON line)
 * Idempotent: a second run finds the profile, resource and credential and changes only what differs (ports).
 */
import { randomUUID } from "node:crypto";
import { listAdmins } from "@/lib/server/admins";
import type { Actor } from "@/lib/server/auth/session";
import { ensureBootstrapOwner } from "@/lib/server/bootstrap";
import { publishConfig } from "@/lib/server/config/publish";
import { parseCredential } from "@/lib/server/enforcers/credential-format";
import { createCredential, listCredentials } from "@/lib/server/enforcers/credentials";
import { listIdpProfiles } from "@/lib/server/idp-profiles/list-idp-profiles";
import { createIdpProfile, updateIdpProfile } from "@/lib/server/idp-profiles/save-idp-profile";
import { getDraftStatus } from "@/lib/server/resources/draft-status";
import { getResource } from "@/lib/server/resources/get-resource";
import { listResources } from "@/lib/server/resources/list-resources";
import { createResource, updateResource } from "@/lib/server/resources/save-resource";
import {
  updateResourceDownstreams,
  updateResourcePolicy,
  updateResourceTools,
} from "@/lib/server/resources/update-draft";
import { demoDownstreams, demoPolicy, demoProfile, demoResource, demoTools, type SeedInput } from "./seed-data";

const input = JSON.parse(process.env.DEMO_SEED ?? "{}") as SeedInput;
const ctx = { requestId: randomUUID(), ip: "127.0.0.1" };
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

await ensureBootstrapOwner();
const owner = (await listAdmins()).find((a) => a.role === "owner" && a.status === "active");
if (!owner) throw new Error("no active owner in the demo database");
const actor: Actor = { id: owner.id, email: owner.email, name: owner.name, role: "owner" };

const profileInput = demoProfile(input);
let profile = (await listIdpProfiles()).find((p) => p.name === profileInput.name);
if (!profile) profile = await createIdpProfile(actor, profileInput, ctx);
else if (!same(profile.issuers, profileInput.issuers) || profile.jwksUri !== profileInput.jwksUri)
  profile = await updateIdpProfile(actor, { id: profile.id, ...profileInput }, ctx);

const settings = demoResource(input, profile.id);
const listed = (await listResources()).find((r) => r.name === settings.name);
const resourceId = listed
  ? listed.uri === settings.uri
    ? listed.id
    : (await updateResource(actor, { id: listed.id, ...settings }, ctx)).id
  : (await createResource(actor, settings, ctx)).id;

const draft = (await getResource(resourceId))?.draft;
if (!draft) throw new Error("the demo resource vanished");
const policy = demoPolicy();
if (!same([draft.scopes, draft.rateLimits, draft.baselineScopes], [policy.scopes, policy.rateLimits, []]))
  await updateResourcePolicy(actor, { id: resourceId, ...policy }, ctx);
const tools = demoTools();
if (!same([draft.tools, draft.unlistedTools], [tools.tools, tools.unlistedTools]))
  await updateResourceTools(actor, { id: resourceId, ...tools }, ctx);
const downstreams = demoDownstreams(input);
if (!same(draft.downstreams, downstreams)) await updateResourceDownstreams(actor, { id: resourceId, downstreams }, ctx);

const status = await getDraftStatus(resourceId);
const version = status.hasUnpublishedChanges
  ? (await publishConfig(actor, { resourceId, note: "npm run demo:live seed" }, ctx)).version
  : status.latestVersion;

// The credential's secret is shown once (stored hashed): the demo keeps it in its own state file and issues a
// new one only when that one is unknown here, revoked or expired.
const known = input.credential ? parseCredential(input.credential)?.prefix : undefined;
const credentials = await listCredentials(resourceId);
const usable = credentials.find((c) => (c.status === "active" || c.status === "expiring") && c.prefix === known);
const credential = usable
  ? input.credential
  : (await createCredential(actor, { resourceId, name: `demo:live ${new Date().toISOString()}` }, ctx)).secret;

console.log(JSON.stringify({ seeded: true, resourceId, version, credential, owner: owner.email }));
process.exit(0);
