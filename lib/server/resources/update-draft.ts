import "server-only";
import {
  ResourceDraft,
  type UpdateDownstreamsInput,
  type UpdatePolicyInput,
  type UpdateToolsInput,
} from "@/lib/schemas/resources";
import { auditChanges, writeAudit } from "../audit";
import type { Actor } from "../auth/session";
import { db } from "../db";
import { AppError, type FieldErrors } from "../errors";
import { tokenEndpointOriginProblem } from "../idp-profiles/token-endpoint-origin";
import type { RequestContext } from "../request-context";
import { parseDraft, type ResourceRow, resourceSelect, toResourceDto } from "./dto";
import type { ResourceDto } from "./types";

/** Load the draft, apply `change`, validate, store and audit (its field-level diff) in one transaction. */
async function changeDraft(
  actor: Actor,
  id: string,
  action: string,
  change: (draft: ResourceDraft, row: ResourceRow) => ResourceDraft,
  ctx: RequestContext,
): Promise<ResourceDto> {
  return db().$transaction(async (tx) => {
    const row = await tx.mcpResource.findUnique({ where: { id }, select: resourceSelect });
    if (!row) throw new AppError("not_found", "No such resource.");
    const before = parseDraft(row.draft);
    const after = ResourceDraft.parse(change(before, row));
    const updated = await tx.mcpResource.update({
      where: { id },
      data: { draft: JSON.stringify(after) },
      select: resourceSelect,
    });
    await writeAudit(tx, {
      actor,
      action,
      targetType: "resource",
      targetId: id,
      // The field-level diff (path, before, after), not the whole draft twice (issue 13 #9).
      after: { changes: auditChanges({ draft: before }, { draft: after }) },
      ctx,
    });
    return toResourceDto(updated);
  });
}

/** Every scope a method or a tool requires must be one the resource defines (catches typos before publish). */
function unknownScopeErrors(
  defined: Set<string>,
  draft: Pick<ResourceDraft, "methods" | "tools">,
  checkMethods: boolean,
  checkTools: boolean,
): FieldErrors {
  const errors: FieldErrors = {};
  if (checkMethods)
    for (const [method, rule] of Object.entries(draft.methods)) {
      const missing = rule.anyOf.filter((s) => !defined.has(s));
      if (missing.length)
        errors[`methods.${method}`] = [`Unknown scope ${missing.join(", ")}: add it to the scopes first.`];
    }
  if (checkTools)
    draft.tools.forEach((t, i) => {
      const missing = t.scopes.filter((s) => !defined.has(s));
      if (missing.length)
        errors[`tools.${i}.scopes`] = [
          `Unknown scope ${missing.join(", ")} on tool ${t.name}: add it to the scopes first.`,
        ];
    });
  return errors;
}

export async function updateResourcePolicy(
  actor: Actor,
  input: UpdatePolicyInput,
  ctx: RequestContext,
): Promise<ResourceDto> {
  return changeDraft(
    actor,
    input.id,
    "resource.policy_updated",
    (draft) => {
      const next = {
        ...draft,
        scopes: input.scopes,
        methods: input.methods,
        rateLimits: input.rateLimits,
        baselineScopes: input.baselineScopes ?? draft.baselineScopes,
        toolsNeedingScope: input.toolsNeedingScope ?? draft.toolsNeedingScope,
      };
      const defined = new Set(input.scopes.map((s) => s.name));
      const errors = unknownScopeErrors(defined, next, true, false);
      const unknownBaseline = next.baselineScopes.filter((s) => !defined.has(s));
      if (unknownBaseline.length)
        errors.baselineScopes = [`Unknown scope ${unknownBaseline.join(", ")}: add it to the scopes first.`];
      // A scope a tool still requires cannot be removed out from under it.
      next.tools.forEach((t) => {
        const gone = t.scopes.filter((s) => !defined.has(s));
        if (gone.length)
          errors.scopes = [
            ...(errors.scopes ?? []),
            `Tool ${t.name} requires ${gone.join(", ")}: change the tool first.`,
          ];
      });
      if (Object.keys(errors).length)
        throw new AppError("invalid_input", "Some scopes are not defined.", { fieldErrors: errors });
      return next;
    },
    ctx,
  );
}

export async function updateResourceTools(
  actor: Actor,
  input: UpdateToolsInput,
  ctx: RequestContext,
): Promise<ResourceDto> {
  return changeDraft(
    actor,
    input.id,
    "resource.tools_updated",
    (draft) => {
      const next = { ...draft, tools: input.tools, unlistedTools: input.unlistedTools };
      const errors = unknownScopeErrors(new Set(draft.scopes.map((s) => s.name)), next, false, true);
      if (Object.keys(errors).length)
        throw new AppError("invalid_input", "Some scopes are not defined.", { fieldErrors: errors });
      return next;
    },
    ctx,
  );
}

/** Downstream APIs tab (issue 13 #1): the list replaces the draft's, audited with its before and after. */
export async function updateResourceDownstreams(
  actor: Actor,
  input: UpdateDownstreamsInput,
  ctx: RequestContext,
): Promise<ResourceDto> {
  return changeDraft(
    actor,
    input.id,
    "resource.downstreams_updated",
    (draft, row) => {
      // Security: an overridden token endpoint stays on the IdP's origin (it receives users' tokens and secrets).
      const errors: FieldErrors = {};
      input.downstreams.forEach((d, i) => {
        const problem = d.tokenEndpoint && tokenEndpointOriginProblem(d.tokenEndpoint, row.idpProfile);
        if (problem) errors[`downstreams.${i}.tokenEndpoint`] = [problem];
      });
      if (Object.keys(errors).length)
        throw new AppError("invalid_input", "A token endpoint is not on the IdP's origin.", { fieldErrors: errors });
      return { ...draft, downstreams: input.downstreams };
    },
    ctx,
  );
}
