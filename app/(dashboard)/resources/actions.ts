"use server";

import { revalidatePath } from "next/cache";
import {
  CreateResourceInput,
  ImportToolsInput,
  UpdateDownstreamsInput,
  UpdatePolicyInput,
  UpdateResourceInput,
  UpdateToolsInput,
} from "@/lib/schemas/resources";
import { validatedAction } from "@/lib/server/action";
import { listToolsFromServer } from "@/lib/server/resources/import-tools";
import { createResource, updateResource } from "@/lib/server/resources/save-resource";
import {
  updateResourceDownstreams,
  updateResourcePolicy,
  updateResourceTools,
} from "@/lib/server/resources/update-draft";

// "layout": the resource header (draft status) lives in the [id] layout.
const done = <T>(value: T, id?: string) => {
  revalidatePath("/resources");
  if (id) revalidatePath(`/resources/${id}`, "layout");
  return value;
};

export const createResourceAction = validatedAction(
  "resources.write",
  CreateResourceInput,
  async (input, actor, ctx) => {
    const r = await createResource(actor, input, ctx);
    return done({ id: r.id, name: r.name });
  },
);

export const updateResourceAction = validatedAction(
  "resources.write",
  UpdateResourceInput,
  async (input, actor, ctx) => {
    const r = await updateResource(actor, input, ctx);
    return done({ id: r.id, name: r.name, uri: r.uri }, r.id);
  },
);

export const updatePolicyAction = validatedAction("resources.write", UpdatePolicyInput, async (input, actor, ctx) => {
  const r = await updateResourcePolicy(actor, input, ctx);
  return done({ id: r.id, draft: r.draft }, r.id);
});

export const updateToolsAction = validatedAction("resources.write", UpdateToolsInput, async (input, actor, ctx) => {
  const r = await updateResourceTools(actor, input, ctx);
  return done({ id: r.id, draft: r.draft }, r.id);
});

/** Reads a running MCP server's tools/list. The pasted token is used for this one call: not stored, logged or audited. */
export const importToolsAction = validatedAction("resources.write", ImportToolsInput, async (input) => ({
  tools: await listToolsFromServer(input),
}));

export const updateDownstreamsAction = validatedAction(
  "resources.write",
  UpdateDownstreamsInput,
  async (input, actor, ctx) => {
    const r = await updateResourceDownstreams(actor, input, ctx);
    return done({ id: r.id, draft: r.draft }, r.id);
  },
);
